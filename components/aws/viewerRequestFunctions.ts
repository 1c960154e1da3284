import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { groupKey, SharedResourceGroups } from "./sharedKeys";
import { cloudFrontFunctionMaxBytes, cloudFrontFunctionRuntime } from "./viewerRequestFunction";

/** CloudFront Function names: letters, digits, hyphens and underscores, at most 64, unique in the account. */
const maxFunctionNameLength = 64;

/**
 * The stack's CloudFront Functions, one per distinct code: every proxy of one vendor layout shares its rewrite
 * function, and every public layout shares the 404 function. Functions are an account quota and billed per
 * invocation, not per function, so sharing costs nothing and keeps a stack of hundreds of proxies within it. A
 * function is associated with at most 100 distributions: past that, the next group of distributions running the same
 * code gets its own copy (`viewer-request-<hash>-2`).
 */
export class ViewerRequestFunctions {
    private readonly functions = new Map<string, aws.cloudfront.Function>();
    private readonly groups: SharedResourceGroups;

    constructor(
        /** Appended to every function name; see CloudFrontProxyArgs.nameSuffix. */
        private readonly nameSuffix: pulumi.Input<string> | undefined,
        private readonly opts: pulumi.CustomResourceOptions = {},
        /** How many distributions one function may serve (`quotas.cloudfrontDistributionsPerFunction`). Default: 100. */
        distributionsPerFunction?: number,
    ) {
        this.groups = new SharedResourceGroups(distributionsPerFunction);
    }

    /** The ARN of the published function running `code` for `distribution` (its group's copy), created on first use. */
    arnFor(code: string, comment: string, distribution: string): pulumi.Output<string> {
        if (Buffer.byteLength(code) > cloudFrontFunctionMaxBytes) {
            throw new Error(`a CloudFront Function's code is ${Buffer.byteLength(code)} bytes; CloudFront takes at most ${cloudFrontFunctionMaxBytes}`);
        }
        const hash = createHash("sha256").update(code).digest("hex").slice(0, 10);
        const key = groupKey(hash, this.groups.groupOf(hash, distribution));
        let fn = this.functions.get(key);
        if (fn === undefined) {
            const resourceName = `viewer-request-${key}`;
            fn = new aws.cloudfront.Function(
                resourceName,
                {
                    name: functionName(resourceName, this.nameSuffix),
                    runtime: cloudFrontFunctionRuntime,
                    comment: comment.slice(0, 128),
                    code,
                    publish: true,
                },
                this.opts,
            );
            this.functions.set(key, fn);
        }
        return fn.arn;
    }
}

function functionName(resourceName: string, suffix: pulumi.Input<string> | undefined): pulumi.Output<string> {
    return pulumi.output(suffix).apply((sfx) => {
        const tail = sfx ? `-${sfx}` : "";
        return `${pulumi.getStack()}-${resourceName}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, maxFunctionNameLength - tail.length) + tail;
    });
}
