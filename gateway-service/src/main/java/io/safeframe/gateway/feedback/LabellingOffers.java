package io.safeframe.gateway.feedback;

import org.jboss.logging.Logger;

import io.safeframe.api.v1.LabellingOffer;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.ScreenResponse;
import io.safeframe.gateway.internal.ReportClient;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Active learning's intake (docs/safety-data.md): a screening the guard marked uncertain is offered to report-service's
 * labelling queue, which decides whether it goes in (consent, duplicates, caps). Nobody waits for it and its failure
 * changes nothing for the user: a lost offer is one label fewer, never a different verdict.
 */
@ApplicationScoped
public class LabellingOffers {

    private static final Logger LOG = Logger.getLogger(LabellingOffers.class);

    private final ReportClient reports;

    public LabellingOffers(ReportClient reports) {
        this.reports = reports;
    }

    public void offer(RequestContext ctx, String prompt, ScreenResponse screened) {
        if (!screened.getUncertain() || prompt == null || prompt.isBlank()) {
            return;
        }
        reports.offerForLabelling(LabellingOffer.newBuilder().setContext(ctx).setPromptText(prompt)
                .setNearDuplicateSignature(screened.getNearDuplicateSignature()).setVerdict(screened.getVerdict())
                .setReviewMargin(screened.getReviewMargin()).build())
                .subscribe().with(r -> LOG.debugf("labelling offer for %s: %s", ctx.getCorrelationId(), r.getQueued() ? "queued" : r.getReason()),
                        f -> LOG.debugf("labelling offer for %s not made: %s", ctx.getCorrelationId(), f.toString()));
    }
}
