-- The monitors a charger keeps on each variable (NotifyMonitoringReport, SetVariableMonitoring),
-- by monitor id; cleared ones leave.
ALTER TABLE device_variables ADD COLUMN monitors jsonb;
