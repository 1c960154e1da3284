import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { vendorDocuments } from "../../components/vendors/documents";
import { vendorPresets } from "../../components/vendors";

const root = path.resolve(__dirname, "../..");
/** Not part of the repository a user clones (installed, generated or local state). */
const outside = new Set(["node_modules", ".git", ".pulumi", "bench/.work"]);
const textFile = /\.(ts|js|json|md|ya?ml|txt)$/;

function repositoryFiles(dir = root): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        const relative = path.relative(root, full);
        if (outside.has(relative)) return [];
        if (entry.isDirectory()) return repositoryFiles(full);
        return textFile.test(entry.name) && !entry.name.endsWith("package-lock.json") ? [relative] : [];
    });
}

/** Paths into the workspace this project was built in, which users of the repository do not have. */
// Spelled in parts, so this file does not match itself.
const outsideReferences: RegExp[] = [
    new RegExp(["\\.\\./", "sha", "red/"].join("")),
    new RegExp(["(^|[^\\w-])", "see", "ds/"].join("")),
    new RegExp(["REQUIRE", "MENTS\\.md|PLATFORM-", "NOTES|sha", "red/STYLE"].join("")),
];

describe("the repository stands alone", () => {
    it("no file points at documents outside the repository (the workspace it was built in)", () => {
        const files = repositoryFiles();
        assert.ok(files.includes("README.md") && files.includes("components/verify/fixes.ts"), "the walk sees the repository");
        const hits = files.flatMap((file) =>
            fs
                .readFileSync(path.join(root, file), "utf8")
                .split("\n")
                .flatMap((line, i) => (outsideReferences.some((re) => re.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
        );
        assert.deepStrictEqual(hits, []);
    });

    it("every vendor preset cites its public document by title and https URL, and the README lists them all", () => {
        const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
        for (const preset of Object.values(vendorPresets)) {
            const documents = [preset.source].flat();
            assert.ok(documents.length > 0, `${preset.id} cites a document`);
            for (const source of documents) {
                assert.ok(source.title.length > 0, `${preset.id} source title`);
                assert.match(source.url, /^https:\/\/[a-z0-9.-]+\/\S+$/, `${preset.id} source URL`);
            }
        }
        for (const doc of Object.values(vendorDocuments)) assert.ok(readme.includes(`](${doc.url})`), `README links ${doc.title}`);
    });
});
