-- Idempotency-Key records are kept for the module's retention, counted from
-- the first request (`created_at`), then forgotten: a key used again after
-- that is a new key (ADR 0015). The sweep works across tenants, so like
-- ordering.due_checkouts it goes through a SECURITY DEFINER function that can
-- do exactly one thing. It deletes at most `p_limit` of the oldest expired
-- records per call (one short transaction each; the caller loops), never a
-- claim still in flight whose lease was renewed within the retention, and
-- skips rows a concurrent claim holds locked (they are picked up next time).
CREATE FUNCTION "payments".prune_idempotency_keys(p_retention interval, p_limit integer)
RETURNS integer LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_cutoff timestamptz;
  v_deleted integer;
BEGIN
  IF p_retention IS NULL OR p_retention <= interval '0' THEN
    RAISE EXCEPTION 'prune_idempotency_keys: the retention must be positive, not %', p_retention
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF p_limit IS NULL OR p_limit < 1 THEN
    RAISE EXCEPTION 'prune_idempotency_keys: the batch size must be positive, not %', p_limit
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  v_cutoff := now() - p_retention;
  DELETE FROM "payments"."idempotency_keys" k
  USING (
    SELECT e.tenant_id, e.scope, e."key" FROM "payments"."idempotency_keys" e
    WHERE e.created_at < v_cutoff AND (e.status = 'done' OR e.claimed_at < v_cutoff)
    ORDER BY e.created_at
    LIMIT p_limit
    FOR UPDATE SKIP LOCKED
  ) expired
  WHERE k.tenant_id = expired.tenant_id AND k.scope = expired.scope AND k."key" = expired."key";
  GET DIAGNOSTICS v_deleted = ROW_COUNT;
  RETURN v_deleted;
END;
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION "payments".prune_idempotency_keys(interval, integer) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION "payments".prune_idempotency_keys(interval, integer) TO stratum_app;
