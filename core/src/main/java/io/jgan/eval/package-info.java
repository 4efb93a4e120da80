/**
 * How good samples are: a domain classifier's features, FCD, KID, precision/recall/density/coverage,
 * class shares and the memorisation check, their calibration, and the {@code --eval-every} listener.
 */
package io.jgan.eval;
