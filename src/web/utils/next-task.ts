/**
 * Lets the browser run what waits (input, painting) before going on: what follows is a task of its
 * own. On a phone a long task is a time the page answers no tap (Lighthouse's Total Blocking Time
 * counts what each task lasts over 50 ms), so a page's start is cut into tasks at its natural seams.
 */
export const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve));
