package io.safeframe.likeness.erasure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.Audience;
import io.safeframe.api.v1.EraseAccountRequest;
import io.safeframe.api.v1.ErasureResult;
import io.safeframe.api.v1.LikenessGrpc;
import io.safeframe.api.v1.LikenessGrpc.LikenessBlockingStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.likeness.registry.CameoStore;
import io.safeframe.testing.IdentityChannels;
import io.safeframe.testing.PolicyServiceProcess;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * EraseAccount over mutual TLS as the gateway: the owner's cameo is crypto-shredded (wrapped key and descriptors gone)
 * and no likeness table keeps the account id; a grantee's erasure removes its grant; only the gateway may ask.
 */
@QuarkusTest
@QuarkusTestResource(PolicyServiceProcess.class)
class AccountErasureTest {

    private static final int TLS_PORT = 9488;

    @Inject
    Pool pool;

    @Inject
    CameoStore store;

    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void close() {
        channels.forEach(ManagedChannel::shutdownNow);
    }

    private LikenessBlockingStub as(String service) {
        ManagedChannel channel = IdentityChannels.as(service, TLS_PORT);
        channels.add(channel);
        return LikenessGrpc.newBlockingStub(channel);
    }

    private static EraseAccountRequest erase(String account) {
        // no actor: the gateway's actor token is not minted here, and erasure does not act for the account
        return EraseAccountRequest.newBuilder().setContext(RequestContext.newBuilder().setCorrelationId("erase-" + UUID.randomUUID()))
                .setAccountId(account).build();
    }

    private long rowsNaming(String account) {
        return pool.preparedQuery("""
                select (select count(*) from likeness where owner_account = $1)
                     + (select count(*) from likeness_grant where account = $1)
                     + (select count(*) from likeness_use where owner_account = $1 or requester = $1)""")
                .execute(Tuple.of(account)).await().indefinitely().iterator().next().getLong(0);
    }

    private long count(String sql, Object arg) {
        return pool.preparedQuery(sql).execute(Tuple.of(arg)).await().indefinitely().iterator().next().getLong(0);
    }

    @Test
    void erasureShredsTheCameoAndLeavesNoRowNamingTheAccount() {
        String tag = Long.toString(System.nanoTime(), 36);
        String owner = "erin-" + tag;
        String grantee = "finn-" + tag;
        Random r = new Random(3);
        float[] d = new float[128];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian() * 0.08f;
        }
        // stored as Enrol stores it (descriptors come from frame-classifier, not started here)
        UUID id = pool.withTransaction(sql -> store.insert(sql, "cameo", owner, "erin_" + tag, null, Audience.LISTED_ACCOUNTS, List.of(d)))
                .await().indefinitely();
        // a grant and a use, as Grant and CheckPrompt record them (those RPCs need the gateway's actor tokens)
        pool.preparedQuery("insert into likeness_grant (likeness_id, account) values ($1, $2)").execute(Tuple.of(id, grantee))
                .await().indefinitely();
        pool.preparedQuery("""
                insert into likeness_use (id, likeness_id, owner_account, handle, job_id, requester) values ($1, $2, $3, $4, $5, $6)""")
                .execute(Tuple.of(UUID.randomUUID(), id, owner, "erin_" + tag, "job-" + tag, grantee)).await().indefinitely();
        LikenessBlockingStub gateway = as("gateway-service");
        assertTrue(rowsNaming(owner) >= 2 && rowsNaming(grantee) >= 2, "grant and use recorded before the erasure");

        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> as("report-service").eraseAccount(erase(owner)));
        assertEquals(Status.Code.PERMISSION_DENIED, refused.getStatus().getCode());
        assertEquals(1, count("select count(*) from likeness where id = $1", id), "a refused call erased nothing");

        ErasureResult result = gateway.eraseAccount(erase(owner));
        assertEquals("likeness-service", result.getService());
        assertTrue(result.getErasedList().stream().anyMatch(e -> e.getWhat().equals("face descriptors") && e.getCount() == 1),
                result.toString());
        assertEquals(0, rowsNaming(owner));
        assertEquals(0, count("select count(*) from likeness_descriptor where likeness_id = $1", id), "descriptors shredded");
        assertEquals(0, count("select count(*) from likeness where handle = $1", "erin_" + tag), "the handle is free again");
        assertEquals(0, gateway.eraseAccount(erase(owner)).getErasedCount(), "a second erasure finds nothing");
        assertEquals(0, rowsNaming(grantee), "the grantee's grant and use went with the cameo");
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
                () -> gateway.eraseAccount(erase(" "))).getStatus().getCode());
    }
}
