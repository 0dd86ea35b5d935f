package io.safeframe.likeness.registry;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import io.safeframe.api.v1.Audience;
import io.safeframe.api.v1.Cameo;
import io.safeframe.api.v1.CameoUse;
import io.safeframe.api.v1.EnrolRequest;
import io.safeframe.api.v1.ProtectedPerson;
import io.safeframe.api.v1.ProtectedPersonRequest;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.UnenrolResult;
import io.safeframe.likeness.Refusal;
import io.safeframe.likeness.audit.AuditRelay;
import io.safeframe.likeness.audit.LikenessAudit;
import io.safeframe.likeness.handle.Handle;
import io.safeframe.likeness.uses.CameoUses;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Consent changes: enrol, audience, grant, revoke, unenrol, takedown requests, the protected-persons bank. Each runs
 * in one transaction together with its audit event (into the outbox that {@link AuditRelay} empties into
 * policy-service's chain), so a change is either made and audited or not made at all, and policy-service being down
 * does not stop anyone from revoking consent.
 * The owner is always the request's actor (proved by the gateway's actor token): nobody changes someone else's cameo.
 */
@ApplicationScoped
public class CameoRegistry {

    private final Pool pool;
    private final CameoStore store;
    private final CameoUses uses;
    private final Enrolment enrolment;
    private final LikenessAudit audit;
    private final AuditRelay relay;

    public CameoRegistry(Pool pool, CameoStore store, CameoUses uses, Enrolment enrolment, LikenessAudit audit, AuditRelay relay) {
        this.pool = pool;
        this.store = store;
        this.uses = uses;
        this.enrolment = enrolment;
        this.audit = audit;
        this.relay = relay;
    }

    public Uni<Cameo> enrol(EnrolRequest request) {
        String owner = Refusal.requireActor(request.getContext());
        Handle handle;
        try {
            handle = Handle.parse(request.getHandle());
        } catch (IllegalArgumentException bad) {
            throw Refusal.invalid(bad.getMessage().substring(0, 1).toUpperCase() + bad.getMessage().substring(1) + ".");
        }
        Audience audience = audience(request.getAudience());
        Set<String> grantees = grantees(owner, request.getGrantedAccountsList());
        return enrolment.descriptors(request.getContext(), request.getPhotosList())
                .chain(descriptors -> audited(sql -> store.insert(sql, "cameo", owner, handle.value(), null, audience, descriptors)
                        .call(id -> grantAll(sql, id, grantees))
                        .call(id -> audit.record(sql, request.getContext(), "likeness.enrolled", id.toString(), "cameo " + handle + " enrolled",
                                Enrolment.attributes("handle", handle.toString(), "audience", audience.name(), "photos",
                                        Integer.toString(descriptors.size()), "grants", Integer.toString(grantees.size()))))
                        .chain(id -> store.cameoOf(sql, owner)))
                        .onFailure(PgException.class).transform(e -> duplicate((PgException) e, handle)))
                .map(c -> c.orElseThrow().toCameo());
    }

    public Uni<Cameo> get(RequestContext context) {
        String owner = Refusal.requireActor(context);
        return pool.withConnection(sql -> store.cameoOf(sql, owner)).map(c -> c.orElseThrow(CameoRegistry::noCameo).toCameo());
    }

    public Uni<Cameo> setAudience(RequestContext context, Audience requested) {
        String owner = Refusal.requireActor(context);
        Audience audience = audience(requested);
        return audited(sql -> store.cameoOfForUpdate(sql, owner).map(c -> c.orElseThrow(CameoRegistry::noCameo))
                .call(c -> store.setAudience(sql, c.id(), audience))
                .call(c -> uses.queueWithdrawn(sql, c.id(), owner, audience, c.grantees())
                        .call(queued -> audit.record(sql, context, "likeness.audience_set", c.id().toString(), "audience " + audience.name(),
                                Enrolment.attributes("handle", "@" + c.handle(), "audience", audience.name(), "queued_for_owner_review",
                                        Integer.toString(queued)))))
                .chain(c -> store.cameoOf(sql, owner))).map(c -> c.orElseThrow().toCameo());
    }

    public Uni<Cameo> grant(RequestContext context, String account) {
        String owner = Refusal.requireActor(context);
        String grantee = account(owner, account);
        return audited(sql -> store.cameoOfForUpdate(sql, owner).map(c -> c.orElseThrow(CameoRegistry::noCameo))
                .call(c -> store.grant(sql, c.id(), grantee).call(added -> added
                        ? audit.record(sql, context, "likeness.granted", c.id().toString(), "granted to " + grantee,
                                Enrolment.attributes("handle", "@" + c.handle(), "grantee", grantee))
                        : Uni.createFrom().voidItem()))
                .chain(c -> store.cameoOf(sql, owner))).map(c -> c.orElseThrow().toCameo());
    }

    /** Stops the grantee's new uses at once (every check reads the grants in force) and queues their published ones. */
    public Uni<Cameo> revoke(RequestContext context, String account) {
        String owner = Refusal.requireActor(context);
        String grantee = account(owner, account);
        return audited(sql -> store.cameoOfForUpdate(sql, owner).map(c -> c.orElseThrow(CameoRegistry::noCameo))
                .call(c -> store.revoke(sql, c.id(), grantee))
                .call(c -> {
                    Set<String> remaining = new HashSet<>(c.grantees());
                    remaining.remove(grantee);
                    return uses.queueWithdrawn(sql, c.id(), owner, c.audience(), remaining)
                            .call(queued -> audit.record(sql, context, "likeness.revoked", c.id().toString(), "revoked for " + grantee,
                                    Enrolment.attributes("handle", "@" + c.handle(), "grantee", grantee, "queued_for_owner_review",
                                            Integer.toString(queued))));
                })
                .chain(c -> store.cameoOf(sql, owner))).map(c -> c.orElseThrow().toCameo());
    }

    /** Crypto-shredding of the caller's cameo; the use records stay (no biometrics in them) for the owner's history. */
    public Uni<UnenrolResult> unenrol(RequestContext context) {
        String owner = Refusal.requireActor(context);
        return audited(sql -> store.cameoOfForUpdate(sql, owner).map(c -> c.orElseThrow(CameoRegistry::noCameo))
                .chain(c -> store.delete(sql, c.id())
                        .call(n -> audit.record(sql, context, "likeness.unenrolled", c.id().toString(), "cameo @" + c.handle() + " deleted",
                                Enrolment.attributes("handle", "@" + c.handle(), "descriptors_deleted", Integer.toString(n))))
                        .map(n -> UnenrolResult.newBuilder().setDeleted(true).setDescriptorsDeleted(n).build())));
    }

    public Uni<CameoUse> requestTakedown(RequestContext context, String useId, String reason) {
        String owner = Refusal.requireActor(context);
        UUID id = uuid(useId, "use id");
        String why = reason.isBlank() ? "the owner withdrew consent" : reason.strip();
        if (why.length() > 2000) {
            throw Refusal.invalid("The reason is longer than 2000 characters.");
        }
        return audited(sql -> uses.requestTakedown(sql, owner, id).chain(list -> {
            if (list.isEmpty()) {
                return Uni.createFrom().failure(Refusal.notFound("No published video of your cameo with this id."));
            }
            CameoUse use = list.get(0);
            return audit.record(sql, context, "likeness.takedown_requested", use.getJobId(), why,
                    Enrolment.attributes("use", use.getUseId(), "requester", use.getRequesterAccountId())).replaceWith(use);
        }));
    }

    public Uni<List<CameoUse>> usesOf(RequestContext context) {
        String owner = Refusal.requireActor(context);
        return pool.withConnection(sql -> uses.ofOwner(sql, owner));
    }

    public Uni<ProtectedPerson> addProtected(ProtectedPersonRequest request) {
        String name = request.getName().strip();
        if (name.isEmpty() || name.length() > 200) {
            throw Refusal.invalid("A protected person needs a name of 1-200 characters.");
        }
        return enrolment.descriptors(request.getContext(), request.getPhotosList())
                .chain(descriptors -> audited(sql -> store.insert(sql, "protected", null, null, name, Audience.ONLY_ME, descriptors)
                        .call(id -> audit.record(sql, request.getContext(), "likeness.protected_added", id.toString(), "protected person added",
                                Enrolment.attributes("name", name, "photos", Integer.toString(descriptors.size()))))
                        .map(id -> ProtectedPerson.newBuilder().setPersonId(id.toString()).setName(name)
                                .setReferencePhotos(descriptors.size()).build())));
    }

    public Uni<UnenrolResult> removeProtected(RequestContext context, String personId) {
        UUID id = uuid(personId, "person id");
        return audited(sql -> sql.preparedQuery("select 1 from likeness where id = $1 and kind = 'protected' for update")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(id))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().failure(Refusal.notFound("No such protected person."))
                        : store.delete(sql, id).call(n -> audit.record(sql, context, "likeness.protected_removed", id.toString(),
                                "protected person removed", Enrolment.attributes("descriptors_deleted", Integer.toString(n))))
                                .map(n -> UnenrolResult.newBuilder().setDeleted(true).setDescriptorsDeleted(n).build())));
    }

    public Uni<List<ProtectedPerson>> protectedPersons() {
        return pool.withConnection(store::protectedPersons).map(list -> list.stream()
                .map(l -> ProtectedPerson.newBuilder().setPersonId(l.id().toString()).setName(l.displayName())
                        .setReferencePhotos(l.photos()).build()).toList());
    }

    /**
     * A consent change and its audit event in one transaction; then a short wait for the relay, so the event is
     * usually in policy-service's chain before the caller hears back — but the change stands while policy-service is down.
     */
    private <T> Uni<T> audited(Function<SqlConnection, Uni<T>> change) {
        return pool.withTransaction(change).call(relay::deliverSoon);
    }

    private Uni<Void> grantAll(SqlConnection sql, UUID id, Set<String> grantees) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String g : grantees) {
            chain = chain.call(() -> store.grant(sql, id, g));
        }
        return chain;
    }

    private static Audience audience(Audience requested) {
        return switch (requested) {
            case ONLY_ME, LISTED_ACCOUNTS, EVERYONE -> requested;
            default -> throw Refusal.invalid("Choose who may use your cameo: only you, listed accounts or everyone.");
        };
    }

    private static Set<String> grantees(String owner, List<String> accounts) {
        if (accounts.size() > 1000) {
            throw Refusal.invalid("At most 1000 accounts can be listed.");
        }
        Set<String> out = new HashSet<>();
        for (String a : accounts) {
            out.add(account(owner, a));
        }
        return out;
    }

    private static String account(String owner, String account) {
        String a = account == null ? "" : account.strip();
        if (a.isEmpty() || a.length() > 255) {
            throw Refusal.invalid("Name the account (1-255 characters).");
        }
        if (a.equals(owner)) {
            throw Refusal.invalid("You can always use your own cameo; there is nothing to grant or revoke.");
        }
        return a;
    }

    private static UUID uuid(String value, String what) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid("Malformed " + what + ".");
        }
    }

    private static RuntimeException noCameo() {
        return Refusal.notFound("You have no cameo.");
    }

    private static Throwable duplicate(PgException e, Handle handle) {
        if ("23505".equals(e.getSqlState())) {
            return e.getConstraint() != null && e.getConstraint().contains("owner")
                    ? Refusal.duplicate("You already have a cameo; delete it before enrolling again.")
                    : Refusal.duplicate(handle + " is taken; choose another handle.");
        }
        return e;
    }
}
