// Package ids makes the prefixed, time-ordered identifiers mobidesk uses
// (cust_01J…), so that an id says what it names and sorts by creation.
package ids

import (
	"strings"

	"github.com/oklog/ulid/v2"
)

// New returns prefix_ followed by a lowercase ULID.
func New(prefix string) string {
	return prefix + "_" + strings.ToLower(ulid.Make().String())
}
