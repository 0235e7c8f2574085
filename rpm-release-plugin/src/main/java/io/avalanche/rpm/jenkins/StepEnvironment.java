package io.avalanche.rpm.jenkins;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Picks the variables rpm-core needs out of a step's environment (as withAWS / withEnv set them). */
final class StepEnvironment {
    /** What pipeline-aws's withAWS sets, as DESIGN "Publishing" lists it. */
    static final List<String> AWS = List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_PROFILE");
    /** What tells the docker CLI which engine to use. */
    static final List<String> DOCKER = List.of("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "DOCKER_TLS_VERIFY",
            "DOCKER_CERT_PATH");

    private StepEnvironment() {
    }

    /** The AWS variables present (non-blank) in the step environment. */
    static Map<String, String> aws(Map<String, String> env) {
        return pick(env, AWS);
    }

    /** The docker CLI variables present (non-blank) in the step environment. */
    static Map<String, String> docker(Map<String, String> env) {
        return pick(env, DOCKER);
    }

    private static Map<String, String> pick(Map<String, String> env, List<String> names) {
        Map<String, String> r = new TreeMap<>();
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isBlank()) {
                r.put(n, v);
            }
        }
        return r;
    }
}
