/** Where the web app's department console lives; `/` is the public open-data portal. */
export const CONSOLE = '/console';

/** A console page's address, e.g. consoleLink('/sharing/requests/…'): for the web's menu and the server's stored links. */
export const consoleLink = (path: string): string => CONSOLE + path;
