package io.jgan.engine;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * The lifetime of the native tensors made while it is open: every tensor, scalar or option the
 * binding returns on this thread is freed when the scope closes, unless {@link #keep} hands it to
 * a longer-lived owner.
 *
 * <p>Why every step opens one: each {@code Tensor} the presets return owns a native handle that is
 * otherwise freed only when the garbage collector finds its Java object; 5,000 MLP steps left to
 * the collector swung resident memory by 0.5-2.7 GB, one scope per step kept it flat. Scopes nest:
 * an inner scope's tensors go when it closes, the outer's when that one does.
 */
public final class Scope implements AutoCloseable {

    private final PointerScope scope;

    private Scope() {
        Natives.load();
        this.scope = new PointerScope();
    }

    /**
     * Opens a scope on this thread.
     *
     * @return the scope, to close in a try-with-resources
     */
    public static Scope open() {
        return new Scope();
    }

    /**
     * Takes a native object out of whatever scope is open on this thread, so that it outlives
     * it; its owner closes it.
     *
     * @param <P> the object's type
     * @param p a tensor (or any other native object) made inside a scope
     * @return {@code p}
     */
    public static <P extends Pointer> P keep(P p) {
        PointerScope inner = PointerScope.getInnerScope();
        if (inner != null) {
            // a scope holds one reference and detach() drops it: take one first, or detach frees p
            p.retainReference();
            inner.detach(p);
        }
        return p;
    }

    @Override
    public void close() {
        scope.close();
    }
}
