package io.jgan;

/** The jgan version written into checkpoints and classifier bundles. */
public final class Version {

    private Version() {}

    /** The jar's Implementation-Version, or {@code dev} when running from classes. */
    public static final String CURRENT = versionOrDev();

    private static String versionOrDev() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
