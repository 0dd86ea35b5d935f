package io.safeframe.bench.load;

/**
 * What one arrival does. The mix is what the app and the console send on a normal day: most traffic reads job state
 * (the app polls), a share submits prompts (a tenth of them unsafe), and some reads the account and the console.
 */
enum Operation {
    SUBMIT("POST /v1/generations"),
    JOB("GET /v1/generations/{id}"),
    ME("GET /v1/me"),
    CONSOLE("GET /v1/moderation/queues");

    final String endpoint;

    Operation(String endpoint) {
        this.endpoint = endpoint;
    }
}
