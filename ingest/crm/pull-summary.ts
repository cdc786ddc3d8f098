/** What a pull of one CRM object did. */
export interface ObjectPull {
  key: string;
  pages: number;
  landed: number;
  quarantined: string[];
  /** False when --max-pages stopped it early; the next pull continues from the cursor. */
  complete: boolean;
}

export interface CrmPull {
  objects: ObjectPull[];
  unmatchedOwners: string[];
  /** Owners the CRM gives no usable email for: their records stay unowned. */
  ownersWithoutEmail: string[];
}

/** A short report of a pull, one line per object, then the owners that are not on the roster. */
export function describePull(pull: CrmPull): string[] {
  const lines = pull.objects.map(
    (object) =>
      `${object.key}: ${object.landed.toLocaleString('en-IN')} records in ${object.pages} page${object.pages === 1 ? '' : 's'}` +
      `${object.quarantined.length ? `, ${object.quarantined.length} quarantined` : ''}${object.complete ? '' : ' (stopped at --max-pages; the next pull continues)'}`,
  );
  if (pull.unmatchedOwners.length) {
    lines.push(`owners not on the roster (add their email to roster.csv): ${pull.unmatchedOwners.join(', ')}`);
  }
  if (pull.ownersWithoutEmail.length) {
    lines.push(`owners with no email to match the roster by (their records stay unowned): ${pull.ownersWithoutEmail.join(', ')}`);
  }
  return lines;
}
