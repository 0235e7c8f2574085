package io.avalanche.rpm.jenkins;

import hudson.model.Run;
import hudson.model.TaskListener;
import jenkins.model.Jenkins;
import jenkins.model.RunAction2;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every signature the controller made in a build: what was signed (package NEVRA, or a repository's repomd.xml), the
 * SHA-256 of the exact bytes signed, the key ID and fingerprint, the build URL and the time. Shown on the build page
 * and exported in the REST API ({@code .../api/json?tree=actions[signatures[*]]}) so an auditor can list what a key
 * signed across builds. Kept in build.xml; a build that signed with a release key is kept forever (Run#keepLog).
 */
@ExportedBean
public final class RpmSignaturesAction implements RunAction2 {
    private static final Object LOCK = new Object();

    private final List<Signature> signatures = new ArrayList<>();
    private transient Run<?, ?> run;

    /** One signature: plain strings and numbers only (kept in build.xml; no rpm-core class in it). */
    @ExportedBean(defaultVisibility = 2)
    public static final class Signature {
        private final String kind;
        private final String subject;
        private final String file;
        private final String sha256;
        private final String keyId;
        private final String fingerprint;
        private final String keyHolder;
        private final boolean ephemeral;
        private final String buildUrl;
        private final long time;

        Signature(String kind, String subject, String file, String sha256, RpmCoreKeys.Key key, String buildUrl,
                  long time) {
            this.kind = kind;
            this.subject = subject;
            this.file = file;
            this.sha256 = sha256;
            this.keyId = key.keyId();
            this.fingerprint = key.fingerprint();
            this.keyHolder = key.holder();
            this.ephemeral = key.ephemeral();
            this.buildUrl = buildUrl;
            this.time = time;
        }

        /** "header" (an RPM main header), "repomd" (a repository index) or "key-check" (rpm-core's key probe). */
        @Exported
        public String getKind() {
            return kind;
        }

        /** The package NEVRA (avalanchego-1.14.1-1.x86_64) or the repository (x86_64/repodata/repomd.xml). */
        @Exported
        public String getSubject() {
            return subject;
        }

        /** The file the agent named (avalanchego-v1.14.1-x86_64.rpm), or the repository directory. */
        @Exported
        public String getFile() {
            return file;
        }

        /** SHA-256 (hex) of the exact bytes the key signed, computed on the controller. */
        @Exported
        public String getSha256() {
            return sha256;
        }

        @Exported
        public String getKeyId() {
            return keyId;
        }

        @Exported
        public String getFingerprint() {
            return fingerprint;
        }

        @Exported
        public String getKeyHolder() {
            return keyHolder;
        }

        @Exported
        public boolean isEphemeral() {
            return ephemeral;
        }

        @Exported
        public String getBuildUrl() {
            return buildUrl;
        }

        /** Milliseconds since the epoch. */
        @Exported
        public long getTime() {
            return time;
        }
    }

    /**
     * The signatures one step makes on the controller, each stamped with the build URL and the time it was made;
     * {@link #record} keeps them in the run (call it in a finally block: also what was signed before a failure).
     */
    static final class Made {
        private final Run<?, ?> run;
        private final String buildUrl;
        private final List<Signature> list = new ArrayList<>();

        Made(Run<?, ?> run) {
            this.run = run;
            this.buildUrl = buildUrl(run);
        }

        /** Notes a signature of {@code kind} over bytes whose SHA-256 is {@code sha256}, made now with {@code key}. */
        void add(String kind, String subject, String file, String sha256, RpmCoreKeys.Key key) {
            list.add(new Signature(kind, subject, file, sha256, key, buildUrl, System.currentTimeMillis()));
        }

        Signature get(int i) {
            return list.get(i);
        }

        int size() {
            return list.size();
        }

        void record(TaskListener listener) throws IOException {
            RpmSignaturesAction.record(run, list, listener);
        }
    }

    /**
     * Records signatures in a run (creating its action on first use) and saves the run; parallel steps of one build
     * share the action. A run that signed with a non-ephemeral key is kept forever when the build may do so.
     */
    static void record(Run<?, ?> run, List<Signature> made, TaskListener listener) throws IOException {
        if (made.isEmpty()) {
            return;
        }
        synchronized (LOCK) {
            RpmSignaturesAction a = run.getAction(RpmSignaturesAction.class);
            if (a == null) {
                a = new RpmSignaturesAction();
                run.addAction(a);
            }
            a.signatures.addAll(made);
        }
        run.save();
        if (made.stream().anyMatch(s -> !s.ephemeral) && !run.isKeepLog()) {
            try {
                run.keepLog(true);
            } catch (IOException | RuntimeException e) {
                // e.g. the build's authentication may not update its own build: the record is still in build.xml
                listener.getLogger().println(Messages.RpmSignaturesAction_NotKept(e.getMessage()));
            }
        }
    }

    /** The build URL an auditor follows: absolute when Jenkins knows its root URL. */
    static String buildUrl(Run<?, ?> run) {
        String root = Jenkins.get().getRootUrl();
        return root == null ? run.getUrl() : root + run.getUrl();
    }

    @Exported
    public List<Signature> getSignatures() {
        synchronized (LOCK) {
            return Collections.unmodifiableList(new ArrayList<>(signatures));
        }
    }

    public Run<?, ?> getRun() {
        return run;
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public String getIconFileName() {
        return "symbol-key";
    }

    @Override
    public String getDisplayName() {
        return Messages.RpmSignaturesAction_DisplayName();
    }

    @Override
    public String getUrlName() {
        return "rpm-signatures";
    }
}
