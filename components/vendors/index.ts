import { VendorId } from "../model/types";
import { amplitude } from "./amplitude";
import { google } from "./google";
import { datadog } from "./datadog";
import { mixpanel } from "./mixpanel";
import { plausible } from "./plausible";
import { posthog } from "./posthog";
import { VendorPreset } from "./preset";
import { segment } from "./segment";
import { vtex } from "./vtex";

/** Every vendor's preset; the compiler refuses a vendor without one. */
export const vendorPresets: { readonly [v in VendorId]: VendorPreset } = { segment, posthog, amplitude, vtex, mixpanel, plausible, google, datadog };

export { amplitude, datadog, google, mixpanel, plausible, posthog, segment, vtex };
export type { VendorPreset };
