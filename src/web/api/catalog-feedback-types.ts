/** Objections, demands and the responsibility list, picked from the generated OpenAPI types. */
import type { Body, Res } from './openapi';

/** `content`: the objection, followed by earlier answers and reasons for reopening. */
export type Objection = Res<'/api/catalog/objections/{id}'>;
export type ObjectionStatus = Objection['status'];
export type ObjectionInput = Body<'/api/catalog/entries/{id}/objections', 'post'>;

/** `adminNote`: the reason when declined. */
export type Demand = Res<'/api/catalog/demands', 'post'>;
export type DemandStatus = Demand['status'];
export type DemandInput = Body<'/api/catalog/demands', 'post'>;

export type Responsibility = Res<'/api/catalog/responsibilities', 'post'>;
export type ResponsibilityKind = Responsibility['kind'];
export type ResponsibilityStatus = Responsibility['status'];
/** `dueDate`: YYYY-MM-DD; due at the end of that day in Beijing time. */
export type ResponsibilityInput = Body<'/api/catalog/responsibilities', 'post'>;
