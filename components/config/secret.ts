/**
 * What the offline plan passes for a value set with `pulumi config set --secret`, which only the Pulumi CLI can
 * decrypt. Validation accepts it where a format would refuse any stand-in (`cloudflare.accountId`), so a stack with
 * secrets plans; everything else about the value is checked by `pulumi preview`, which decrypts it.
 */
export const secretPlaceholder = "[secret]";
