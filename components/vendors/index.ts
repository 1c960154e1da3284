import { VendorId, vendorIds } from "../model/types";
import { amplitude } from "./amplitude";
import { custom } from "./custom";
import { google } from "./google";
import { datadog } from "./datadog";
import { mixpanel } from "./mixpanel";
import { plausible } from "./plausible";
import { posthog } from "./posthog";
import { VendorPreset } from "./preset";
import { segment } from "./segment";
import { vtex } from "./vtex";

/** Every vendor's preset; the compiler refuses a vendor without one. */
export const vendorPresets: { readonly [v in VendorId]: VendorPreset } = { segment, posthog, amplitude, vtex, mixpanel, plausible, google, datadog, custom };

/**
 * The vendors whose routes are their preset's own table (`buildProxySpec` kind `cdn`). Google tag gateway's route is
 * its measurement path to its tag's endpoint, a custom vendor's routes are the config's.
 */
export const presetRoutedVendors: readonly VendorId[] = vendorIds.filter((v) => v !== "google" && v !== "custom");

export { amplitude, custom, datadog, google, mixpanel, plausible, posthog, segment, vtex };
export type { VendorPreset };
