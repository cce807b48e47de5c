/** The part of shacl-engine (no types of its own) the DCAT-AP test uses. */
declare module 'shacl-engine' {
  import type { DataFactory, DatasetCore, DatasetCoreFactory, Term } from '@rdfjs/types';

  export interface ValidationResult {
    focusNode?: Term;
    path?: Array<{ predicates: Term[] }>;
    message?: Term[];
    severity?: Term;
  }
  export interface ValidationReport {
    conforms: boolean;
    results: ValidationResult[];
  }
  export class Validator {
    constructor(shapes: DatasetCore, options: { factory: DataFactory & DatasetCoreFactory });
    validate(data: { dataset: DatasetCore; terms?: Iterable<Term> }): Promise<ValidationReport>;
  }
}
