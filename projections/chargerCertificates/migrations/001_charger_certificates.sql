-- Certificates Ampledger's CA issued to chargers (SignCertificate → CertificateSigned), with
-- whether the charger installed them: what operators check before a certificate expires.
CREATE TABLE charger_certificates (
  charger_id text NOT NULL,
  serial_number text NOT NULL,
  certificate_type text NOT NULL,
  subject text NOT NULL,
  issuer text NOT NULL,
  not_before timestamptz NOT NULL,
  not_after timestamptz NOT NULL,
  sha256 text NOT NULL,
  certificate text NOT NULL,
  issued_at timestamptz NOT NULL,
  -- issued: not answered yet (or never delivered); installed; refused (the charger's answer)
  status text NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'installed', 'refused')),
  answered_at timestamptz,
  PRIMARY KEY (charger_id, serial_number)
);
CREATE INDEX charger_certificates_expiry ON charger_certificates (not_after);
