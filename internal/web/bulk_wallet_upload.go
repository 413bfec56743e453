package web

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/httpx"
)

// bulkWalletUpload reads an uploaded CSV (multipart, the field "file") as
// it streams in, stores its preview through app.BulkWalletPreview, and
// goes to the preview. A file that cannot be used comes back on the
// upload form with the reason; nothing is stored.
func (w *Web) bulkWalletUpload(r *request) error {
	if r.Sub == nil {
		return domain.Errorf(domain.ECodeNotFound, "Subaccount not found.")
	}
	if r.R.ContentLength > bulkUploadLimit {
		return r.renderBulkUpload(r.T("bulk.err_too_large"), http.StatusRequestEntityTooLarge)
	}
	r.R.Body = http.MaxBytesReader(r.W, r.R.Body, bulkUploadLimit)
	mr, err := r.R.MultipartReader()
	if err != nil {
		return r.renderBulkUpload(r.T("bulk.err_no_file"), http.StatusBadRequest)
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return r.renderBulkUpload(r.T("bulk.err_no_file"), http.StatusUnprocessableEntity)
		}
		if err != nil {
			if httpx.IsTooLarge(err) {
				return r.renderBulkUpload(r.T("bulk.err_too_large"), http.StatusRequestEntityTooLarge)
			}
			return r.renderBulkUpload(r.T("bulk.err_no_file"), http.StatusBadRequest)
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		name := part.FileName()
		if name == "" {
			return r.renderBulkUpload(r.T("bulk.err_no_file"), http.StatusUnprocessableEntity)
		}
		if len([]rune(name)) > 200 {
			name = string([]rune(name)[:200])
		}
		body := &uploadReader{r: part}
		b, err := w.app.BulkWalletPreview(r.R.Context(), r.actor(""), r.Sub, name, body)
		switch {
		case body.tooLarge:
			return r.renderBulkUpload(r.T("bulk.err_too_large"), http.StatusRequestEntityTooLarge)
		case domain.ErrorCode(err) == domain.ECodeValidation:
			return r.renderBulkUpload(r.bulkFileProblem(err), http.StatusUnprocessableEntity)
		case err != nil:
			return err
		}
		return r.redirect(r.url("/wallet/bulk/" + b.ID))
	}
}

// uploadReader notices when the upload is cut at the size limit, which
// the preview reports only as an unreadable file.
type uploadReader struct {
	r        io.Reader
	tooLarge bool
}

func (u *uploadReader) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	if err != nil && httpx.IsTooLarge(err) {
		u.tooLarge = true
	}
	return n, err
}

// bulkFileProblems say in the page's language why a whole file cannot be
// used, by how the domain's message begins; the domain's own words stay
// as a detail, and are the message for anything not listed.
var bulkFileProblems = []struct{ prefix, key string }{
	{"is empty", "bulk.err_empty"},
	{"needs the columns", "bulk.err_columns"},
	{"has no rows", "bulk.err_no_rows"},
	{"is not CSV", "bulk.err_not_csv"},
}

func (r *request) bulkFileProblem(err error) string {
	var e *domain.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return domain.ErrorMessage(err)
	}
	msg := e.Fields[0].Message
	for _, p := range bulkFileProblems {
		if strings.HasPrefix(msg, p.prefix) {
			return r.T(p.key)
		}
	}
	return domain.ErrorMessage(err)
}
