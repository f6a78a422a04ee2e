-- sub2api keeps each kind of "not now" in its own columns, and its scheduler requires all of them clear: a 429 in
-- rate_limited_at / rate_limit_reset_at, a 429 of one model or family in extra -> 'model_rate_limits' -> <scope>,
-- Anthropic's 5-hour window also in session_window_*, an overload in overload_until. A database sub2api created has
-- them (these statements then do nothing); the reference schema gets them with sub2api's types.
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS extra JSONB NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS rate_limited_at TIMESTAMPTZ;
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS rate_limit_reset_at TIMESTAMPTZ;
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS overload_until TIMESTAMPTZ;
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS session_window_start TIMESTAMPTZ;
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS session_window_end TIMESTAMPTZ;
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS session_window_status VARCHAR(20);
