/**
 * How much a command can hurt a charger's service, which decides who may send it: soft ones only
 * read or nudge (support may), normal ones change something (operators), hard ones interrupt
 * charging at once (admins). Each version's command table says which of its commands is which.
 */
export type CommandWeight = 'soft' | 'normal' | 'hard';
