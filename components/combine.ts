import * as pulumi from "@pulumi/pulumi";

/**
 * `fn` over the values of `inputs`, through as few Outputs as Pulumi allows: none when every input is a plain value
 * (the result is plain too), the one Output's `apply` when a single input is an Output, one `pulumi.all` otherwise.
 * Each Output is a handful of promises that live until the plan ends, and `pulumi.all` copies every Output it is
 * given: a stack of hundreds of proxies pays that per record and per proxy, so plain data stays plain.
 */
export function combine<V, T>(inputs: readonly pulumi.Input<V>[], fn: (values: V[]) => T): pulumi.Input<T> {
    const outputs = inputs.filter((i) => pulumi.Output.isInstance(i) || i instanceof Promise);
    if (outputs.length === 0) return fn(inputs as V[]);
    if (outputs.length === 1 && pulumi.Output.isInstance(outputs[0])) {
        const output = outputs[0] as pulumi.Output<V>;
        const at = inputs.indexOf(output);
        return output.apply((value) => fn(inputs.map((i, k) => (k === at ? value : i)) as V[]));
    }
    return pulumi.all(inputs as pulumi.Input<V>[]).apply((values) => fn(values as V[]));
}
