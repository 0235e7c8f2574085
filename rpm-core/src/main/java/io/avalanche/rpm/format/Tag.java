package io.avalanche.rpm.format;

import java.util.HashMap;
import java.util.Map;

/** Main-header tags this project writes or reads, with their numbers and data types. */
public enum Tag {
    HEADERIMMUTABLE(63, RpmType.BIN),
    HEADERI18NTABLE(100, RpmType.STRING_ARRAY),
    NAME(1000, RpmType.STRING),
    VERSION(1001, RpmType.STRING),
    RELEASE(1002, RpmType.STRING),
    EPOCH(1003, RpmType.INT32),
    SUMMARY(1004, RpmType.I18NSTRING),
    DESCRIPTION(1005, RpmType.I18NSTRING),
    BUILDTIME(1006, RpmType.INT32),
    BUILDHOST(1007, RpmType.STRING),
    SIZE(1009, RpmType.INT32),
    VENDOR(1011, RpmType.STRING),
    LICENSE(1014, RpmType.STRING),
    PACKAGER(1015, RpmType.STRING),
    GROUP(1016, RpmType.I18NSTRING),
    URL(1020, RpmType.STRING),
    PREIN(1023, RpmType.STRING),
    POSTIN(1024, RpmType.STRING),
    PREUN(1025, RpmType.STRING),
    POSTUN(1026, RpmType.STRING),
    OS(1021, RpmType.STRING),
    ARCH(1022, RpmType.STRING),
    FILESIZES(1028, RpmType.INT32),
    FILEMODES(1030, RpmType.INT16),
    FILERDEVS(1033, RpmType.INT16),
    FILEMTIMES(1034, RpmType.INT32),
    FILEDIGESTS(1035, RpmType.STRING_ARRAY),
    FILELINKTOS(1036, RpmType.STRING_ARRAY),
    FILEFLAGS(1037, RpmType.INT32),
    FILEUSERNAME(1039, RpmType.STRING_ARRAY),
    FILEGROUPNAME(1040, RpmType.STRING_ARRAY),
    SOURCERPM(1044, RpmType.STRING),
    FILEVERIFYFLAGS(1045, RpmType.INT32),
    PROVIDENAME(1047, RpmType.STRING_ARRAY),
    REQUIREFLAGS(1048, RpmType.INT32),
    REQUIRENAME(1049, RpmType.STRING_ARRAY),
    REQUIREVERSION(1050, RpmType.STRING_ARRAY),
    CONFLICTFLAGS(1053, RpmType.INT32),
    CONFLICTNAME(1054, RpmType.STRING_ARRAY),
    CONFLICTVERSION(1055, RpmType.STRING_ARRAY),
    RPMVERSION(1064, RpmType.STRING),
    CHANGELOGTIME(1080, RpmType.INT32),
    CHANGELOGNAME(1081, RpmType.STRING_ARRAY),
    CHANGELOGTEXT(1082, RpmType.STRING_ARRAY),
    /** Scriptlet interpreters: STRING for a bare path, as rpmbuild writes it (STRING_ARRAY only with arguments). */
    PREINPROG(1085, RpmType.STRING),
    POSTINPROG(1086, RpmType.STRING),
    PREUNPROG(1087, RpmType.STRING),
    POSTUNPROG(1088, RpmType.STRING),
    OBSOLETENAME(1090, RpmType.STRING_ARRAY),
    FILEDEVICES(1095, RpmType.INT32),
    FILEINODES(1096, RpmType.INT32),
    FILELANGS(1097, RpmType.STRING_ARRAY),
    PROVIDEFLAGS(1112, RpmType.INT32),
    PROVIDEVERSION(1113, RpmType.STRING_ARRAY),
    OBSOLETEFLAGS(1114, RpmType.INT32),
    OBSOLETEVERSION(1115, RpmType.STRING_ARRAY),
    DIRINDEXES(1116, RpmType.INT32),
    BASENAMES(1117, RpmType.STRING_ARRAY),
    DIRNAMES(1118, RpmType.STRING_ARRAY),
    OPTFLAGS(1122, RpmType.STRING),
    PAYLOADFORMAT(1124, RpmType.STRING),
    PAYLOADCOMPRESSOR(1125, RpmType.STRING),
    PAYLOADFLAGS(1126, RpmType.STRING),
    PLATFORM(1132, RpmType.STRING),
    FILECOLORS(1140, RpmType.INT32),
    LONGFILESIZES(5008, RpmType.INT64),
    LONGSIZE(5009, RpmType.INT64),
    FILEDIGESTALGO(5011, RpmType.INT32),
    ENCODING(5062, RpmType.STRING),
    ORDERNAME(5035, RpmType.STRING_ARRAY),
    ORDERVERSION(5036, RpmType.STRING_ARRAY),
    ORDERFLAGS(5037, RpmType.INT32),
    PAYLOADDIGEST(5092, RpmType.STRING_ARRAY),
    PAYLOADDIGESTALGO(5093, RpmType.INT32),
    PAYLOADDIGESTALT(5097, RpmType.STRING_ARRAY);

    private static final Map<Integer, Tag> BY_ID = new HashMap<>();

    static {
        for (Tag t : values()) {
            BY_ID.put(t.id, t);
        }
    }

    private final int id;
    private final RpmType type;

    Tag(int id, RpmType type) {
        this.id = id;
        this.type = type;
    }

    public int id() {
        return id;
    }

    public RpmType type() {
        return type;
    }

    /** The tag with this number, or null when this project does not name it. */
    public static Tag byId(int id) {
        return BY_ID.get(id);
    }
}
