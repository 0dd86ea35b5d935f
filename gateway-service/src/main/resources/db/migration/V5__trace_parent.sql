-- The W3C traceparent of the request that submitted the job (null when tracing is off): every later step of the job
-- runs in a span under it, so one generation is one trace across the gateway and every service it calls.
alter table generation_job add column trace_parent text;
