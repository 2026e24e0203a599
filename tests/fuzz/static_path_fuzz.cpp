// libFuzzer harness for the bridge's static-path policy (native-shim/static_path_policy.hpp): any
// request target it accepts names a regular file inside the canonical root, by a path with no
// "." or ".." segment, whatever the bytes, escapes and symlinks.
#include "static_path_policy.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

namespace {

namespace fs = std::filesystem;

[[noreturn]] void violated(const char* what, std::string_view input) {
    std::fprintf(stderr, "static path property violated: %s (input %zu bytes)\n", what, input.size());
    std::abort();
}

/// A static directory like the demo's, with the traps a request might reach: symlinks out of it
/// (to /etc and to a file there), one that stays inside, and a sibling directory whose name
/// starts with the root's (a string-prefix check would let it through).
fs::path made_root;

void remove_root() {
    std::error_code ignored;
    fs::remove_all(made_root.string() + "-sibling", ignored);
    fs::remove_all(made_root, ignored);
}

const fs::path& root() {
    static const fs::path canonical = [] {
        std::string pattern = (fs::temp_directory_path() / "static-path-fuzz-XXXXXX").string();
        if (!mkdtemp(pattern.data())) std::abort();
        const fs::path dir = fs::canonical(pattern);
        made_root = dir;
        std::atexit(remove_root);
        fs::create_directory(dir / "sub");
        std::ofstream(dir / "index.html") << "index";
        std::ofstream(dir / "sub" / "page.html") << "page";
        fs::create_directory_symlink("/etc", dir / "etc");
        fs::create_symlink("/etc/passwd", dir / "passwd");
        fs::create_symlink(dir / "index.html", dir / "inside.html");
        fs::create_directory(dir.string() + "-sibling");
        std::ofstream(dir.string() + "-sibling/secret") << "secret";
        fs::create_directory_symlink(dir.string() + "-sibling", dir / "sibling");
        return dir;
    }();
    return canonical;
}

bool has_dot_segment(std::string_view relative) {
    while (true) {
        const auto slash = relative.find('/');
        const auto segment = relative.substr(0, slash);
        if (segment.empty() || segment == "." || segment == "..") return true;
        if (slash == std::string_view::npos) return false;
        relative.remove_prefix(slash + 1);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace websrt::native;
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    const auto relative = relative_static_path(input);
    if (relative) {
        if (has_dot_segment(*relative)) violated("an accepted relative path has an empty, '.' or '..' segment", input);
        for (const char c : *relative) {
            if (c == '\\' || static_cast<unsigned char>(c) < 0x20)
                violated("an accepted path has a backslash or control byte", input);
        }
    }

    const auto file = resolve_static_path(root(), input);
    if (!relative && file) violated("resolved a path the lexical check refused", input);
    if (!file) return 0;
    const std::string text = file->string();
    const std::string prefix = root().string() + "/";
    if (text.compare(0, prefix.size(), prefix) != 0) violated("an accepted file is outside the root", input);
    if (!is_within(root(), *file)) violated("is_within disagrees with the prefix check", input);
    for (const auto& part : *file) {
        if (part == "." || part == "..") violated("an accepted file path has a '.' or '..' component", input);
    }
    std::error_code ec;
    if (fs::canonical(*file, ec) != *file || ec) violated("an accepted file path is not canonical", input);
    if (!fs::is_regular_file(*file, ec)) violated("an accepted path is not a regular file", input);
    return 0;
}
