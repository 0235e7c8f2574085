package io.avalanche.rpm.jenkins;

import hudson.FilePath;
import hudson.model.Result;
import hudson.slaves.DumbSlave;
import io.avalanche.rpm.publish.S3Settings;
import io.avalanche.rpm.publish.S3Store;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** rpmPublish inside pipeline-aws's withAWS, against S3Proxy on 127.0.0.1 with SigV4 authentication. */
@WithJenkins
class RpmPublishStepTest {
    static final String ID = "AKIAJENKINSPUBLISH";
    static final String SECRET = "jenkins-publish-secret-0123456789";
    static final String KEY = "linux/rpms/x86_64/avalanchego-v1.14.1-x86_64.rpm";

    S3Proxy proxy;

    @BeforeEach
    void s3() throws Exception {
        BlobStore blobs = new TransientNio2BlobStore();
        blobs.createContainer("rpms");
        proxy = S3Proxy.builder().blobStore(blobs).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V4, ID, SECRET).ignoreUnknownHeaders(true).build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
    }

    @AfterEach
    void stop() throws Exception {
        proxy.stop();
    }

    String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    String script(String publishArgs) {
        return "node('" + Fixtures.LABEL + "') {\n"
                + "  withAWS(credentials: 'aws-publisher', region: 'us-east-1', endpointUrl: '" + endpoint() + "') {\n"
                + "    def r = rpmPublish(" + publishArgs + ")\n"
                + "    echo \"objects=${r.objects.size()} first=${r.objects[0].status}\"\n"
                + "  }\n"
                + "}\n";
    }

    @Test
    void publishesTheSignedReleaseWithTheAwsSettingsOfWithAws(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        Fixtures.addCredentials(j, Fixtures.awsKeys("aws-publisher", ID, SECRET));
        WorkflowJob p = Fixtures.job(j, "publish", "node('" + Fixtures.LABEL + "') { rpmSign(ephemeral: true) }\n"
                + script("bucket: 'rpms'"));
        FilePath ws = Fixtures.workspace(agent, p);
        Fixtures.unsignedRelease(ws, "rpm-release-out", tmp);

        WorkflowRun b = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        j.assertLogContains("objects=2 first=UPLOADED", b);
        j.assertLogContains("to s3://rpms (AWS settings from the environment: AWS_ACCESS_KEY_ID, AWS_DEFAULT_REGION, "
                + "AWS_ENDPOINT_URL, AWS_REGION, AWS_SECRET_ACCESS_KEY)", b);
        j.assertLogNotContains(SECRET, b);

        Path local = Path.of(ws.child("rpm-release-out/avalanchego-v1.14.1-x86_64.rpm").getRemote());
        try (S3Store store = S3Store.open("s3://rpms", S3Settings.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", ID,
                "AWS_SECRET_ACCESS_KEY", SECRET, "AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL", endpoint())))) {
            assertThat(store.head(KEY)).isPresent();
            assertThat(store.head("linux/rpms/RPM-GPG-KEY-avalanchego")).isPresent();
            assertThat(store.get(KEY).orElseThrow()).isEqualTo(Files.readAllBytes(local));
        }

        // the same signed bytes again: a no-op
        WorkflowJob republish = Fixtures.job(j, "republish", script("bucket: 'rpms'"));
        ws.child("rpm-release-out").copyRecursiveTo(Fixtures.workspace(agent, republish).child("rpm-release-out"));
        WorkflowRun again = j.assertBuildStatusSuccess(republish.scheduleBuild2(0));
        j.assertLogContains("objects=2 first=UNCHANGED", again);
    }

    @Test
    void differentBytesAreRefusedUnlessForced(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        Fixtures.addCredentials(j, Fixtures.awsKeys("aws-publisher", ID, SECRET));
        WorkflowJob first = Fixtures.job(j, "first", "node('" + Fixtures.LABEL + "') { rpmSign(ephemeral: true) }\n"
                + script("bucket: 'rpms'"));
        Fixtures.unsignedRelease(Fixtures.workspace(agent, first), "rpm-release-out", tmp.resolve("a"));
        j.assertBuildStatusSuccess(first.scheduleBuild2(0));

        // signed again with another ephemeral key: same package, different bytes
        WorkflowJob second = Fixtures.job(j, "second", "node('" + Fixtures.LABEL + "') { rpmSign(ephemeral: true) }\n"
                + script("bucket: 'rpms'"));
        Fixtures.unsignedRelease(Fixtures.workspace(agent, second), "rpm-release-out", tmp.resolve("b"));
        WorkflowRun refused = j.assertBuildStatus(Result.FAILURE, second.scheduleBuild2(0));
        j.assertLogContains("refusing to overwrite", refused);

        WorkflowJob forced = Fixtures.job(j, "forced", script("bucket: 'rpms', force: true"));
        Fixtures.workspace(agent, second).child("rpm-release-out")
                .copyRecursiveTo(Fixtures.workspace(agent, forced).child("rpm-release-out"));
        WorkflowRun b = j.assertBuildStatusSuccess(forced.scheduleBuild2(0));
        j.assertLogContains("REPLACED", b);
    }

    @Test
    void withoutWithAwsTheCredentialsAreMissing(JenkinsRule j, @TempDir Path tmp) throws Exception {
        DumbSlave agent = Fixtures.agent(j);
        WorkflowJob p = Fixtures.job(j, "no-aws", "node('" + Fixtures.LABEL + "') {\n"
                + "  rpmSign(ephemeral: true)\n"
                + "  withEnv(['AWS_ENDPOINT_URL=" + endpoint() + "', 'AWS_REGION=us-east-1']) { rpmPublish(bucket: 'rpms') }\n"
                + "}\n");
        Fixtures.unsignedRelease(Fixtures.workspace(agent, p), "rpm-release-out", tmp);
        WorkflowRun b = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        j.assertLogContains("AWS settings from the environment: AWS_ENDPOINT_URL, AWS_REGION)", b);
        j.assertLogNotContains("UPLOADED", b);
    }
}
