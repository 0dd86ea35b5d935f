package io.safeframe.report.queue;

/**
 * A case's priority. Severity dominates; more reports and more trustworthy reporters raise it with
 * diminishing returns (log), a machine score adds up to 5 points, reach (views) adds log(1+views). Waiting
 * time is added at claim time (ReportSettings.agePriorityPerHour) so low-severity cases cannot starve.
 *
 * <p>Example: a CSAM report (severity 10) from an unknown reporter (trust 0.5) scores 10; a copyright
 * report (severity 2) needs ~2,900 merged reports to match it — deliberately.
 */
public final class Priority {

    private Priority() {
    }

    public static double of(int severity, int reportCount, double maxReporterTrust, double machineScore, long views) {
        double crowd = 1 + Math.log(Math.max(1, reportCount));
        double trust = 0.5 + Math.max(0, Math.min(1, maxReporterTrust));
        return severity * crowd * trust + 5 * Math.max(0, Math.min(1, machineScore)) + Math.log1p(Math.max(0, views));
    }

    /** Laplace-smoothed share of a reporter's past reports that led to action: 0.5 for a newcomer. */
    public static double trust(int upheld, int rejected) {
        return (upheld + 1.0) / (upheld + rejected + 2.0);
    }
}
