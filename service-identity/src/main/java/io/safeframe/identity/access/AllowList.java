package io.safeframe.identity.access;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which service may call which RPC (full method name → callers). Deny by default: a method nobody listed is
 * refused to everyone, so a new RPC is closed until its callers are named. Trusted callers (a module's own tests)
 * pass everything.
 */
public final class AllowList {

    private final Map<String, Set<String>> callers;
    private final Set<String> trusted;

    public AllowList(Map<String, List<String>> callers, List<String> trusted) {
        this.callers = callers.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(e -> unquote(e.getKey()), e -> Set.copyOf(e.getValue())));
        this.trusted = Set.copyOf(trusted);
    }

    public boolean allows(String fullMethod, String service) {
        return trusted.contains(service) || callers.getOrDefault(fullMethod, Set.of()).contains(service);
    }

    public boolean trusted(String service) {
        return trusted.contains(service);
    }

    /** Map keys with dots and slashes are quoted in properties; tolerate the quotes staying on. */
    private static String unquote(String key) {
        return key.length() > 1 && key.startsWith("\"") && key.endsWith("\"") ? key.substring(1, key.length() - 1) : key;
    }
}
