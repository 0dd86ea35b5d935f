package io.safeframe.report.dataset;

import java.util.Map;
import java.util.Set;

/** The datasheet that goes with every snapshot: what is in it, how it was collected and cleaned, and what it is for. */
final class Datasheet {

    private Datasheet() {
    }

    static String write(int version, String licence, int minSlice, int labels, int preferences, Map<String, Integer> slices,
            Set<String> leftOut, Set<String> policyVersions) {
        StringBuilder md = new StringBuilder();
        md.append("# Safeframe safety dataset, snapshot ").append(version).append("\n\n");
        md.append("## What\n\n");
        md.append("- `labels.jsonl`: ").append(labels).append(" human safety labels, one JSON object per line: `id`, `item` (the prompt or video, ")
                .append("pseudonymised), `account` (pseudonymised), `kind` (prompt | video), `prompt` (scrubbed; null for a reported video), ")
                .append("`source` (dispute | moderator_decision | appeal), `category`, `decision` (ALLOW = not violating, BLOCK = violating), ")
                .append("`action`, `rationale` (the moderator's ground and facts, scrubbed), `policy_version` (of the machine verdict), ")
                .append("`machine_decision` (ALLOW | REVIEW | BLOCK), `labelled_on` (date).\n");
        md.append("- `preferences.jsonl`: ").append(preferences).append(" preference pairs for reward modelling / RLHF / DPO: for each item with ")
                .append("a prompt, its final label (the latest; an appeal outcome overrides the decision it reviewed) ranks two outcomes: ")
                .append("`chosen` is the compliant outcome (`").append(Datasets.COMPLY).append("`) when the label is ALLOW and the refusal ")
                .append("(`[refuse] ... '<category>' ...`) when it is BLOCK; `rejected` is the other one.\n\n");
        md.append("## How it was collected\n\n");
        md.append("Owners disputing a blocked or held generation in the app (\"this was wrong\"), moderators deciding cases about prompts and ")
                .append("videos (held prompts, disputes, user reports), and appeal outcomes (a second moderator). Each is a human judgement ")
                .append("recorded when it was made.\n\n");
        md.append("## Consent and privacy\n\n");
        md.append("- Only accounts whose training-use setting was on when this snapshot was made (a user setting, default off).\n");
        md.append("- Account, item and label ids are keyed HMAC-SHA256 pseudonyms; the key stays with the service.\n");
        md.append("- Prompt and rationale text scrubbed: URLs, e-mail addresses, @handles, phone numbers and person names (a list of ")
                .append("English first names, the capitalised words after them, titles such as Dr) replaced by [URL], [EMAIL], ")
                .append("[HANDLE], [PHONE], [NAME]. Names in lower case or not on the list can remain: review before wider use.\n");
        md.append("- Slices (category × decision) with fewer than ").append(minSlice).append(" labels are left out entirely.\n\n");
        md.append("## Counts per slice (category × decision)\n\n");
        if (slices.isEmpty()) {
            md.append("(none)\n");
        }
        slices.forEach((slice, n) -> md.append("- ").append(slice).append(": ").append(n).append('\n'));
        md.append("\nSlices left out (fewer than ").append(minSlice).append(" labels): ")
                .append(leftOut.isEmpty() ? "none" : leftOut.size() + " — " + String.join(", ", leftOut)).append("\n\n");
        md.append("## Policy versions\n\n").append(policyVersions.isEmpty() ? "(none recorded)" : String.join(", ", policyVersions)).append("\n\n");
        md.append("## Licence and intended use\n\n").append(licence).append('\n');
        return md.toString();
    }
}
