/** A token's group as 2.x names it: an IdToken of its own, which the CSMS assigned (Central). */
export const groupIdToken201 = (parentIdTag: string) => ({ idToken: parentIdTag, type: 'Central' });

/** An authorization decision as 2.x's IdTokenInfo: status, how long a charger may cache it, and the group. */
export const idTokenInfo201 = (decision: { status: string; expiryDate?: string; parentIdTag?: string }) => ({
  status: decision.status,
  ...(decision.expiryDate ? { cacheExpiryDateTime: decision.expiryDate } : {}),
  ...(decision.parentIdTag ? { groupIdToken: groupIdToken201(decision.parentIdTag) } : {}),
});
