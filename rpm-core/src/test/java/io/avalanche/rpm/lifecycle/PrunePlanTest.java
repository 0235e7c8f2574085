package io.avalanche.rpm.lifecycle;

import io.avalanche.rpm.format.Channel;
import io.avalanche.rpm.format.Evr;
import io.avalanche.rpm.publish.RepositoryRewrite;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules of prune's plan, without a store: what stays and what goes per channel and arch. */
class PrunePlanTest {
    private static List<RepositoryRewrite.StoredPackage> packages(String dir, String... evrs) {
        List<RepositoryRewrite.StoredPackage> out = new ArrayList<>();
        for (String evr : evrs) {
            for (String name : new String[] {"avalanchego", "subnet-evm"}) {
                out.add(new RepositoryRewrite.StoredPackage(dir + name + "-" + evr + ".rpm", name + "-" + evr + ".rpm",
                        name, Evr.parse(evr), "x86_64", 100, true));
            }
        }
        return out;
    }

    private static PrunePlan.Repository plan(int keep, Channel c, Set<String> yanked, String... evrs) {
        String dir = c.stable() ? "linux/rpms/x86_64/" : "linux/rpms/" + c.id() + "/x86_64/";
        return PrunePlan.plan(keep, new RepositoryRewrite.Repository(dir, c, "x86_64"), dir,
                packages(dir, evrs), yanked);
    }

    private static List<String> evrs(List<PrunePlan.Release> rs) {
        return rs.stream().map(PrunePlan.Release::evr).toList();
    }

    @Test
    void keepsTheNewestInRpmOrder() {
        PrunePlan.Repository r = plan(2, Channel.STABLE, Set.of(), "1.14.1-1", "1.14.10-1", "1.14.2-1", "1.14.2-2");
        assertThat(evrs(r.kept())).containsExactly("1.14.10-1", "1.14.2-2");
        assertThat(evrs(r.pruned())).containsExactly("1.14.2-1", "1.14.1-1");
        assertThat(r.prunedKeys()).hasSize(4);
    }

    @Test
    void neverTheNewestStableEvenWithKeepZero() {
        PrunePlan.Repository r = plan(0, Channel.STABLE, Set.of(), "1.14.1-1", "1.14.2-1");
        assertThat(evrs(r.kept())).containsExactly("1.14.2-1");
        assertThat(r.kept().get(0).why()).contains("newest stable release is never pruned");
        PrunePlan.Repository testing = plan(0, Channel.TESTING, Set.of(), "1.14.3~rc.1-1", "1.14.3~rc.2-1");
        assertThat(testing.kept()).isEmpty();
        assertThat(evrs(testing.pruned())).containsExactly("1.14.3~rc.2-1", "1.14.3~rc.1-1");
    }

    @Test
    void aYankedReleaseDoesNotCountAndTheNewestStableIsTheNewestOffered() {
        String dir = "linux/rpms/x86_64/";
        Set<String> yanked = Set.of(dir + "avalanchego-1.14.2-1.rpm", dir + "subnet-evm-1.14.2-1.rpm");
        PrunePlan.Repository r = plan(1, Channel.STABLE, yanked, "1.14.1-1", "1.14.2-1", "1.14.0-1");
        assertThat(evrs(r.kept())).containsExactly("1.14.2-1", "1.14.1-1");
        assertThat(r.kept().get(0).yanked()).isTrue();
        assertThat(evrs(r.pruned())).containsExactly("1.14.0-1");
        PrunePlan.Repository zero = plan(0, Channel.STABLE, yanked, "1.14.1-1", "1.14.2-1");
        assertThat(evrs(zero.kept())).containsExactly("1.14.2-1", "1.14.1-1");
        PrunePlan.Repository old = plan(1, Channel.STABLE, Set.of(dir + "avalanchego-1.14.0-1.rpm",
                dir + "subnet-evm-1.14.0-1.rpm"), "1.14.1-1", "1.14.0-1");
        assertThat(evrs(old.pruned())).containsExactly("1.14.0-1");
        assertThat(old.pruned().get(0).why()).contains("yanked, older than every release kept");
    }
}
