package io.safeframe.gateway.erasure;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.safeframe.api.v1.ErasureResult;

/** The answer to an erasure: what each service erased, what it kept and why, and the jobs a legal hold kept. */
final class ErasureView {

    private ErasureView() {
    }

    static Map<String, Object> of(String erasureId, String account, Instant at, List<ErasureResult> results, List<String> heldJobs) {
        List<Map<String, Object>> services = new ArrayList<>();
        List<Map<String, Object>> kept = new ArrayList<>();
        for (ErasureResult r : results) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("service", r.getService());
            s.put("erased", r.getErasedList().stream().map(e -> Map.<String, Object>of("what", e.getWhat(), "count", e.getCount())).toList());
            services.add(s);
            r.getKeptList().forEach(k -> kept.add(Map.of("service", r.getService(), "what", k.getWhat(), "why", k.getWhy())));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("erasureId", erasureId);
        out.put("account", account);
        out.put("erasedAt", at.toString());
        // complete unless a legal hold kept some of the account's generations: the caller must not read it as all gone
        out.put("complete", heldJobs.isEmpty());
        out.put("legalHolds", heldJobs);
        out.put("services", services);
        out.put("kept", kept);
        return out;
    }
}
