/**
 * Adam, as PyTorch updates and saves it: a fused host kernel for the CPU and in-place engine
 * operations for other devices, both with moments a checkpoint keeps.
 */
package io.jgan.optim;
