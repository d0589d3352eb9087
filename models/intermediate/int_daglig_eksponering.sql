-- One row is: a person, group and day on which the person received a service of the group,
-- from 1 January of the previous year to the build's status date, as known on that date.
-- The auditable truth behind helaarsmodtagere: expanded day by day, never merged.
{{ daglig_eksponering() }}
