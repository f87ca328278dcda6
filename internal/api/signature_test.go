package api_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govhall/govhall/internal/api"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/identity"
)

// signaturePNG is a w×h PNG of noise: it hardly compresses, so its size is
// about w×h bytes.
func signaturePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(r.IntN(256))
	}
	img.Set(0, 0, color.Black)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A mandate with signature consent is confirmed with the PNG in base64,
// in a body larger than other routes accept; a body past a route's limit
// is a malformed request.
func TestMandateConfirmedBySignature(t *testing.T) {
	onBothEngines(t, func(t *testing.T, h *hall) {
		agent := h.signIn(t, "zhaozhuang-agent")
		var m api.Mandate
		res := agent.do("POST", "/api/v1/mandates", api.MandateRequest{ResidentName: "李想", ResidentIDNumber: liXiang,
			ResidentPhone: liXiangPhone, Scope: identity.ScopePeriod, Consent: identity.ConsentSignature,
			ValidUntil: time.Now().AddDate(0, 6, 0).Format("2006-01-02")}, &m)
		if res.StatusCode != 201 {
			t.Fatalf("request: %d", res.StatusCode)
		}
		confirm := fmt.Sprintf("/api/v1/mandates/%d/confirm", m.ID)
		var p api.Problem
		for _, sig := range []string{"", "not base64!", base64.StdEncoding.EncodeToString([]byte("GIF89a, not a PNG at all; " + strings.Repeat("x", 200)))} {
			if res := agent.do("POST", confirm, api.MandateConfirmation{SignaturePNGBase64: sig}, &p); res.StatusCode != 422 ||
				p.Error.Field != "signature_png_base64" {
				t.Errorf("signature %.12q: %d %+v", sig, res.StatusCode, p.Error)
			}
		}
		sig := signaturePNG(t, 400, 300) // ~120 KB: more than 64 KiB in base64
		if res := agent.do("POST", "/api/v1/me/handlers", api.HandlerRequest{IDNumber: strings.Repeat("1", 70<<10)}, &p); res.StatusCode != 403 {
			t.Fatalf("an agent adds handlers: %d", res.StatusCode) // the policy decides before the body is read
		}
		big := api.MandateRequest{ResidentName: strings.Repeat("李", 30<<10)}
		if res := agent.do("POST", "/api/v1/mandates", big, &p); res.StatusCode != 400 || !strings.Contains(p.Error.Message, "too large") {
			t.Fatalf("a body over 64 KiB: %d %+v", res.StatusCode, p.Error)
		}
		in := api.MandateConfirmation{SignaturePNGBase64: "data:image/png;base64," + base64.StdEncoding.EncodeToString(sig)}
		if res := agent.do("POST", confirm, in, &m); res.StatusCode != 200 || m.Status != "active" || m.Consent != identity.ConsentSignature {
			t.Fatalf("confirm with a %d-byte signature: %d %+v", len(sig), res.StatusCode, m)
		}
	})
}

// Every request body the document describes has exactly the fields the
// API decodes (it refuses unknown ones), and the same required fields as
// the document says.
func TestOpenAPIRequestBodiesMatchTheCode(t *testing.T) {
	_, h := newAPI(t, dbtest.SQLite(t))
	_, body := get(t, h, "/api/v1/openapi.json", "")
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]any{"PersonRegistration": api.PersonRegistration{}, "EnterpriseRegistration": api.EnterpriseRegistration{},
		"LoginRequest": api.LoginRequest{}, "CodeRequest": api.CodeRequest{}, "MandateRequest": api.MandateRequest{},
		"MandateConfirmation": api.MandateConfirmation{}, "HandlerRequest": api.HandlerRequest{}, "NewAccount": api.NewAccount{},
		"StatusChange": api.StatusChange{}, "Challenge": api.Challenge{}, "SignedIn": api.SignedIn{}, "FieldError": api.FieldError{},
		"AccountPage": api.AccountPage{}} {
		var documented, decoded []string
		for p := range doc.Components.Schemas[name].Properties {
			documented = append(documented, p)
		}
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			tag, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			decoded = append(decoded, tag)
		}
		slices.Sort(documented)
		slices.Sort(decoded)
		if !slices.Equal(documented, decoded) {
			t.Errorf("%s: documented %v, the code has %v", name, documented, decoded)
		}
	}
}
