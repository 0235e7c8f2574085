package io.avalanche.rpm.release;

import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.publish.Layout;
import io.avalanche.rpm.sign.KeySource;
import io.avalanche.rpm.validate.ValidationOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * What one release run would do ({@link ReleasePipeline#plan}, printed by --dry-run): the signing key chosen, the
 * per-arch build plans and where the release goes.
 */
public record PipelinePlan(ReleasePipeline.Request request, KeySource key, List<ReleaseBuilder.Plan> builds) {
    /** The plan as --dry-run prints it. */
    public List<String> lines() {
        ReleasePipeline.Request r = request;
        List<String> l = new ArrayList<>();
        l.add("DRY RUN: nothing is built, signed, published or validated");
        for (ReleaseBuilder.Plan b : builds) {
            l.add("== " + b.arch().rpm());
            b.lines().forEach(x -> l.add("  " + x));
        }
        l.add("compression: " + r.compression() + (r.compression().workers() > 1 ? ", " + r.compression().workers()
                + " workers" : ""));
        l.add("signing:  " + key.describe() + "; public key exported as " + ReleaseManifest.KEY_FILE);
        List<String> names = new ArrayList<>(builds.stream().flatMap(b -> b.packages().stream())
                .map(ReleaseBuilder.PackagePlan::fileName).toList());
        String service = r.tag().fileName(AvalanchegoService.NAME, Arch.NOARCH);
        if (r.withService()) {
            names.add(service);
            l.add("package " + AvalanchegoService.NAME + ": noarch, version " + r.tag().version() + ", release "
                    + r.tag().release() + ", file " + service + ", installs " + AvalanchegoService.UNIT_PATH + ", "
                    + AvalanchegoService.CONFIG_PATH + " (published in every arch's repository)");
        }
        l.add("release directory: " + r.out() + " (this run's files only: " + names + ", " + ReleaseManifest.KEY_FILE
                + ", " + ReleaseManifest.FILE_NAME + ")");
        l.add("validate: from the release directory before publishing" + (r.to() == null ? ""
                : ", then from " + r.to()) + " (" + describe(r.install()) + ", signatures checked against the key"
                + " this release signs with, never a key file found where it validates)");
        if (r.to() == null) {
            l.add("publish:  nothing" + (r.pullRequest() ? " (pull-request build)" : " (no --to)"));
        } else {
            l.add("publish:  " + r.to() + " (only if validation passes), layout " + r.layout().id());
            Layout layout = r.layout();
            io.avalanche.rpm.format.Channel channel = r.tag().channel();
            String repoName = Layout.repoName(Layout.REPO_NAME, channel);
            l.add("channel:  " + channel.id() + " (repository " + repoName + ", " + (channel.stable()
                    ? "enabled by default" : "opt-in: enabled=0, dnf --enablerepo=" + repoName) + ")");
            String base = r.to().endsWith("/") ? r.to() : r.to() + "/";
            for (ReleaseBuilder.Plan b : builds) {
                String dir = layout.archDir(channel, b.arch().rpm());
                List<String> files = new ArrayList<>(b.packages().stream().map(ReleaseBuilder.PackagePlan::fileName)
                        .toList());
                if (r.withService()) {
                    files.add(service);
                }
                for (String f : files) {
                    l.add("  " + f + " -> repository " + base + dir + " as "
                            + base + layout.packageKey(channel, b.arch().rpm(), f));
                }
                l.add("  " + base + Layout.repomd(dir) + " (+ repomd.xml.asc)");
            }
            l.add("  " + base + layout.keyFile());
            l.add("  " + base + layout.repoFile(channel));
        }
        return l;
    }

    private static String describe(ValidationOptions.Install i) {
        return i instanceof ValidationOptions.Container c ? "in a container of " + c.image() : "in a scratch rpm root";
    }
}
