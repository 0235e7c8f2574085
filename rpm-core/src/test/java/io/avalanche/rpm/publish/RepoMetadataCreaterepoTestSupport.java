package io.avalanche.rpm.publish;

import io.avalanche.rpm.Digests;
import io.avalanche.rpm.store.ObjectStore;
import io.avalanche.rpm.yum.PackageMetadata;
import io.avalanche.rpm.yum.RepoXml;
import io.avalanche.rpm.yum.Repomd;
import java.util.List;

/** Reads a published repository's package hrefs back through an ObjectStore. */
final class RepoMetadataCreaterepoTestSupport {
    private RepoMetadataCreaterepoTestSupport() {
    }

    static List<String> packages(ObjectStore store, String dir) {
        Repomd r = Repomd.parse(store.get(dir + YumRepository.REPOMD).orElseThrow(), dir);
        byte[][] docs = new byte[3][];
        String[] types = {"primary", "filelists", "other"};
        for (int i = 0; i < 3; i++) {
            Repomd.Entry e = r.entry(types[i]).orElseThrow();
            byte[] gz = store.get(dir + e.href()).orElseThrow();
            if (!Digests.sha256Hex(gz).equals(e.checksum())) {
                throw new AssertionError(dir + e.href() + " does not match repomd.xml");
            }
            docs[i] = YumRepository.gunzip(gz);
        }
        return RepoXml.read(docs[0], docs[1], docs[2]).stream().map(PackageMetadata::href).toList();
    }
}
