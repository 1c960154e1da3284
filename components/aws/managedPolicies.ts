/** IDs of CloudFront's managed policies, the same in every account. */
export const managedCachePolicy = {
    CachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
    CachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
} as const;

export const managedOriginRequestPolicy = {
    AllViewer: "216adef6-5c7f-47e4-b989-5492eafa07d3",
    AllViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
    CorsCustomOrigin: "59781a5b-3903-41f3-afcb-af62929ccde1",
} as const;

export const managedResponseHeadersPolicy = {
    CorsWithPreflight: "5cc3b908-e619-4b99-88e5-2cf7f45965bd",
    CorsWithPreflightAndSecurityHeaders: "eaab4381-ed33-4a86-88ca-d9558dc6cd63",
    SecurityHeaders: "67f7725c-6f97-4210-82d7-5512b31e9d03",
} as const;
