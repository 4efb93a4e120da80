/**
 * The one training loop and what plugs into it. {@link io.jgan.train.Trainer} plays a
 * {@link io.jgan.train.Game} (the tutorials' {@link io.jgan.train.GanGame}; pix2pix's lives in its
 * package) one iteration at a time: seeding, the epoch's order, the resume skip, the divergence
 * guard, listeners, checkpoints and a graceful stop. Listeners see a narrow
 * {@link io.jgan.train.RunView}; {@link io.jgan.train.Resume} restores a run in one place.
 */
package io.jgan.train;
