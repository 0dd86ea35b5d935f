-- Retention (issue 26 item 1, docs/retention.md): when a decided case's free text (reporters' explanations, the
-- appellant's explanation, the dispute reason, the prompt) was removed. Decisions and statements of reasons stay.
alter table report_case add column text_purged_at timestamptz;
create index report_case_text_due on report_case (decided_at) where state = 'DECIDED' and text_purged_at is null;
create index safety_label_prompt_due on safety_label (labelled_at) where prompt_text is not null;
