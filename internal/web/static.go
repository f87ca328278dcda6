package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var staticFS embed.FS

// contentTypes fixes the types of the assets we ship, independent of the
// machine's MIME tables.
var contentTypes = map[string]string{
	".css":   "text/css; charset=utf-8",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".js":    "text/javascript; charset=utf-8",
	".json":  "application/json",
	".txt":   "text/plain; charset=utf-8",
	".woff2": "font/woff2",
}

// asset is one embedded static file.
type asset struct {
	body  []byte
	ctype string
	hash  string // the first 16 hex digits of its SHA-256: its version
}

// assets are the static files, read once at start.
type assets struct {
	files map[string]*asset // by path under static/
}

func loadAssets() (*assets, error) {
	a := &assets{files: map[string]*asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		ct, ok := contentTypes[path.Ext(p)]
		if !ok {
			ct = mime.TypeByExtension(path.Ext(p))
		}
		if ct == "" {
			return fmt.Errorf("web: static file %s has no known content type", p)
		}
		sum := sha256.Sum256(b)
		a.files[strings.TrimPrefix(p, "static/")] = &asset{body: b, ctype: ct, hash: hex.EncodeToString(sum[:8])}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: load static files: %w", err)
	}
	return a, nil
}

// url is the template function "asset": the address of a static file with
// its version, so it can be cached for a year and still change on upgrade.
func (a *assets) url(name string) (string, error) {
	f, ok := a.files[name]
	if !ok {
		return "", fmt.Errorf("asset %q is not in internal/web/static", name)
	}
	return "/static/" + name + "?v=" + f.hash, nil
}

// static serves the embedded files; there are no directory listings.
func (s *Site) static(w http.ResponseWriter, r *http.Request) {
	f, ok := s.assets.files[strings.TrimPrefix(r.URL.Path, "/static/")]
	if !ok {
		s.RenderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", `"`+f.hash+`"`)
	if r.URL.Query().Get("v") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=3600")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
}
