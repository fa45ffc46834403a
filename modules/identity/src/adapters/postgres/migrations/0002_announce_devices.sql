-- Announces every device registered so far, as identity announces a new one.
-- Store-ops keeps the devices a register may be linked to from
-- identity.device-registered and identity.device-revoked, but it started
-- listening after devices existed: those registered before it did (and every
-- revocation before device-revoked existed) were never heard of there, and
-- linking a register to one failed with device-not-found. This puts the events
-- into identity's outbox, where the relay delivers them to whoever listens, in
-- every deployment shape, without another module reading identity's tables.
--
-- The envelopes are built as makeEnvelope builds them (@stratum/platform):
-- a UUIDv7 id, occurredAt in JavaScript's ISO form (milliseconds, UTC), the
-- payloads of identityEvents. occurredAt is when the device was registered or
-- revoked, and the id's time too, so a device's registration comes before its
-- revocation in the relay's id order. The announcements share one correlation
-- id (this migration); they have no cause and no trace. A consumer that has
-- heard of a device already gets it again under a new message id: identity's
-- device events state a device's state, so applying one twice changes nothing
-- (store-ops keeps a revoked device revoked whatever arrives after).
--
-- On a fresh database there is no device, and nothing is inserted.
WITH "catch_up" AS MATERIALIZED (
  SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
    placing substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
    FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid AS "correlation_id"
),
"announcements" AS (
  SELECT "tenant_id", 'identity.device-registered' AS "type", "created_at" AS "occurred_at",
    jsonb_build_object('deviceId', "id", 'storeId', "store_id", 'name', "name") AS "payload"
  FROM "identity"."devices"
  UNION ALL
  SELECT "tenant_id", 'identity.device-revoked', "revoked_at",
    jsonb_build_object('deviceId', "id", 'storeId', "store_id")
  FROM "identity"."devices"
  WHERE "revoked_at" IS NOT NULL
),
"identified" AS MATERIALIZED (
  -- A UUIDv7 (RFC 9562) of the event's time: 48 bits of milliseconds over a
  -- random v4, whose version bits 0100 become 0111.
  SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
      placing substring(int8send(floor(extract(epoch FROM "occurred_at") * 1000)::bigint) FROM 3)
      FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid AS "id",
    "announcements".*
  FROM "announcements"
)
INSERT INTO "identity"."outbox" ("id", "tenant_id", "type", "version", "envelope")
SELECT "id", "tenant_id", "type", 1,
  jsonb_build_object(
    'id', "id",
    'type', "type",
    'version', 1,
    'tenantId', "tenant_id",
    'occurredAt', to_char("occurred_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'correlationId', "correlation_id",
    'causationId', NULL,
    'traceparent', NULL,
    'payload', "payload")
FROM "identified" CROSS JOIN "catch_up"
ORDER BY "id";
