import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** CloudFront takes certificates only from ACM in us-east-1, whatever `aws:region` the stack uses. */
export const certificateRegion = "us-east-1";

/**
 * An AWS provider in us-east-1 for ACM. An explicit provider does not read the stack's `aws:` config, so the
 * credentials settings users put there (profile, shared credentials files, assumed roles) are carried over.
 */
export function certificateProvider(name: string, opts?: pulumi.CustomResourceOptions): aws.Provider {
    const config = new pulumi.Config("aws");
    return new aws.Provider(
        name,
        {
            region: certificateRegion,
            profile: config.get("profile"),
            sharedCredentialsFiles: config.getObject<string[]>("sharedCredentialsFiles"),
            assumeRoles: config.getObject<aws.types.input.ProviderAssumeRole[]>("assumeRoles"),
        },
        opts,
    );
}
