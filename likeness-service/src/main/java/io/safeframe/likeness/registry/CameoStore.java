package io.safeframe.likeness.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.safeframe.api.v1.Audience;
import io.safeframe.likeness.crypto.DescriptorVault;
import io.safeframe.likeness.crypto.DescriptorVault.WrappedKey;
import io.safeframe.likeness.matching.Enrolled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * SQL of the registry. Descriptors are sealed before they reach this class's inserts and opened only in
 * {@link #enrolledWithDescriptors}, for the length of one clip check; nothing here logs a row.
 */
@ApplicationScoped
public class CameoStore {

    private static final String LIKENESS_COLUMNS = """
            l.id, l.kind, l.owner_account, l.handle, l.display_name, l.audience, l.enrolled_at,
            (select count(*) from likeness_descriptor d where d.likeness_id = l.id) as photos,
            coalesce((select array_agg(g.account) from likeness_grant g where g.likeness_id = l.id), '{}') as grantees""";

    private final DescriptorVault vault;

    public CameoStore(DescriptorVault vault) {
        this.vault = vault;
    }

    /** Inserts a likeness with a fresh data key (stored only wrapped) and its sealed descriptors. */
    public Uni<UUID> insert(SqlClient sql, String kind, String owner, String handle, String displayName, Audience audience,
            List<float[]> descriptors) {
        UUID id = UUID.randomUUID();
        byte[] dataKey = vault.newDataKey();
        WrappedKey wrapped = vault.wrap(dataKey, id.toString());
        List<Tuple> sealed = new ArrayList<>();
        for (int i = 0; i < descriptors.size(); i++) {
            sealed.add(Tuple.of(id, i, io.vertx.core.buffer.Buffer.buffer(vault.sealDescriptor(dataKey, descriptors.get(i), id.toString()))));
        }
        java.util.Arrays.fill(dataKey, (byte) 0);
        return sql.preparedQuery("""
                insert into likeness (id, kind, owner_account, handle, display_name, audience, master_key_id, wrapped_key)
                values ($1, $2, $3, $4, $5, $6, $7, $8)""")
                .execute(Tuple.tuple().addValue(id).addValue(kind).addValue(owner).addValue(handle).addValue(displayName)
                        .addValue(audience.name()).addValue(wrapped.masterKeyId()).addValue(io.vertx.core.buffer.Buffer.buffer(wrapped.wrapped())))
                .chain(() -> sql.preparedQuery("insert into likeness_descriptor (likeness_id, ordinal, sealed) values ($1, $2, $3)")
                        .executeBatch(sealed))
                .replaceWith(id);
    }

    public Uni<Optional<StoredLikeness>> cameoOf(SqlClient sql, String owner) {
        return sql.preparedQuery("select " + LIKENESS_COLUMNS + " from likeness l where l.kind = 'cameo' and l.owner_account = $1")
                .execute(Tuple.of(owner)).map(CameoStore::first);
    }

    /** The same, locked for a consent change (two revocations of one cameo run one after the other). */
    public Uni<Optional<StoredLikeness>> cameoOfForUpdate(SqlClient sql, String owner) {
        return sql.preparedQuery("select id from likeness where kind = 'cameo' and owner_account = $1 for update")
                .execute(Tuple.of(owner)).chain(() -> cameoOf(sql, owner));
    }

    public Uni<Map<String, StoredLikeness>> cameosByHandle(SqlClient sql, Set<String> handles) {
        return sql.preparedQuery("select " + LIKENESS_COLUMNS + " from likeness l where l.kind = 'cameo' and l.handle = any($1)")
                .execute(Tuple.of(handles.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, StoredLikeness> out = new HashMap<>();
                    rows.forEach(r -> {
                        StoredLikeness l = likeness(r);
                        out.put(l.handle(), l);
                    });
                    return out;
                });
    }

    public Uni<List<StoredLikeness>> protectedPersons(SqlClient sql) {
        return sql.preparedQuery("select " + LIKENESS_COLUMNS + " from likeness l where l.kind = 'protected' order by l.display_name")
                .execute().map(rows -> {
                    List<StoredLikeness> out = new ArrayList<>();
                    rows.forEach(r -> out.add(likeness(r)));
                    return out;
                });
    }

    public Uni<Void> setAudience(SqlClient sql, UUID id, Audience audience) {
        return sql.preparedQuery("update likeness set audience = $2 where id = $1").execute(Tuple.of(id, audience.name())).replaceWithVoid();
    }

    public Uni<Boolean> grant(SqlClient sql, UUID id, String account) {
        return sql.preparedQuery("insert into likeness_grant (likeness_id, account) values ($1, $2) on conflict do nothing")
                .execute(Tuple.of(id, account)).map(r -> r.rowCount() == 1);
    }

    public Uni<Boolean> revoke(SqlClient sql, UUID id, String account) {
        return sql.preparedQuery("delete from likeness_grant where likeness_id = $1 and account = $2")
                .execute(Tuple.of(id, account)).map(r -> r.rowCount() == 1);
    }

    /**
     * Crypto-shredding: the likeness row goes with its wrapped data key, and its sealed descriptors and grants by
     * cascade, in one statement. Returns how many descriptors were deleted, or -1 when there was no such likeness.
     */
    public Uni<Integer> delete(SqlClient sql, UUID id) {
        return sql.preparedQuery("select count(*) as n from likeness_descriptor where likeness_id = $1").execute(Tuple.of(id))
                .chain(count -> sql.preparedQuery("delete from likeness where id = $1").execute(Tuple.of(id))
                        .map(deleted -> deleted.rowCount() == 1 ? count.iterator().next().getInteger("n") : -1));
    }

    /**
     * Every likeness (cameos and protected persons) with its descriptors opened. The descriptors are held for one
     * check and dropped with the list; a key that does not unwrap stops the check (fail closed), it is never skipped.
     */
    public Uni<List<Enrolled>> enrolledWithDescriptors(SqlClient sql) {
        return sql.query("""
                select l.id, l.kind, l.owner_account, l.handle, l.audience, l.master_key_id, l.wrapped_key,
                       coalesce((select array_agg(g.account) from likeness_grant g where g.likeness_id = l.id), '{}') as grantees
                from likeness l order by l.id""").execute()
                .chain(likenesses -> sql.query("select likeness_id, sealed from likeness_descriptor order by likeness_id, ordinal").execute()
                        .map(descriptorRows -> {
                            Map<UUID, List<byte[]>> sealedById = new HashMap<>();
                            descriptorRows.forEach(d -> sealedById.computeIfAbsent(d.getUUID("likeness_id"), k -> new ArrayList<>())
                                    .add(d.getBuffer("sealed").getBytes()));
                            List<Enrolled> out = new ArrayList<>();
                            likenesses.forEach(r -> out.add(opened(r, sealedById.getOrDefault(r.getUUID("id"), List.of()))));
                            return out;
                        }));
    }

    private Enrolled opened(Row r, List<byte[]> sealed) {
        String id = r.getUUID("id").toString();
        byte[] dataKey = vault.unwrap(new WrappedKey(r.getString("master_key_id"), r.getBuffer("wrapped_key").getBytes()), id);
        try {
            List<float[]> descriptors = new ArrayList<>();
            for (byte[] s : sealed) {
                descriptors.add(vault.openDescriptor(dataKey, s, id));
            }
            boolean cameo = "cameo".equals(r.getString("kind"));
            return new Enrolled(id, cameo ? r.getString("owner_account") : null, cameo ? r.getString("handle") : null,
                    cameo ? "@" + r.getString("handle") : "a protected public figure", Audience.valueOf(r.getString("audience")),
                    Set.of(r.getArrayOfStrings("grantees")), descriptors);
        } finally {
            java.util.Arrays.fill(dataKey, (byte) 0);
        }
    }

    private static Optional<StoredLikeness> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(likeness(it.next())) : Optional.empty();
    }

    private static StoredLikeness likeness(Row r) {
        return new StoredLikeness(r.getUUID("id"), r.getString("kind"), r.getString("owner_account"), r.getString("handle"),
                r.getString("display_name"), Audience.valueOf(r.getString("audience")), new HashSet<>(List.of(r.getArrayOfStrings("grantees"))),
                r.getLong("photos").intValue(), r.getOffsetDateTime("enrolled_at").toString());
    }
}
