package io.jgan;

import io.jgan.engine.Natives;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Unpacks libtorch's natives when the test run opens, before any test class touches a torch
 * class, as {@code jgan}'s main method does: on a machine with another libtorch installed, the
 * first load otherwise links the wrong library (see {@link Natives}). Registered through
 * {@code META-INF/services}.
 */
public final class NativesFirstListener implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Natives.load();
    }
}
