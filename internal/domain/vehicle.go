package domain

import (
	"math"
	"regexp"
	"strings"
	"time"
)

// Vehicle is a fleet vehicle: a scooter, a bike, a car.
type Vehicle struct {
	ID           string     `json:"id"`
	SubaccountID string     `json:"subaccount_id"`
	Code         string     `json:"code"` // printed on the vehicle
	IMEI         string     `json:"imei"`
	Model        string     `json:"model"`
	Status       string     `json:"status"` // available, in_use, maintenance, retired
	LastSignalAt *time.Time `json:"last_signal_at"`
	Lat          *float64   `json:"lat"`
	Lon          *float64   `json:"lon"`
	Battery      *int       `json:"battery"` // percent
	Online       bool       `json:"online"`
	CreatedAt    time.Time  `json:"created_at"`
}

// Vehicle statuses.
const (
	VehicleAvailable   = "available"
	VehicleInUse       = "in_use"
	VehicleMaintenance = "maintenance"
	VehicleRetired     = "retired"
)

// VehicleStatuses lists them, for validation and filters.
var VehicleStatuses = []string{VehicleAvailable, VehicleInUse, VehicleMaintenance, VehicleRetired}

// OfflineAfter is how old a vehicle's last signal may be before it counts
// as offline.
const OfflineAfter = time.Hour

// IsOnline reports whether the vehicle signalled within OfflineAfter of now.
func (v *Vehicle) IsOnline(now time.Time) bool {
	return v.LastSignalAt != nil && now.Sub(*v.LastSignalAt) <= OfflineAfter
}

// VehicleCreate registers a vehicle.
type VehicleCreate struct {
	Code  string `json:"code"`
	IMEI  string `json:"imei"`
	Model string `json:"model,omitempty"`
}

var (
	vehicleCodePattern = regexp.MustCompile(`^[A-Za-z0-9-]{2,32}$`)
	imeiPattern        = regexp.MustCompile(`^[0-9]{15}$`)
)

// Normalize trims the input and uppercases the code.
func (in *VehicleCreate) Normalize() {
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	in.IMEI = strings.TrimSpace(in.IMEI)
	in.Model = strings.TrimSpace(in.Model)
}

// Validate checks a normalized input.
func (in *VehicleCreate) Validate() error {
	var v Validation
	if !vehicleCodePattern.MatchString(in.Code) {
		v.Add("code", "must be 2 to 32 letters, digits or dashes")
	}
	if !imeiPattern.MatchString(in.IMEI) {
		v.Add("imei", "must be 15 digits")
	}
	checkText(&v, "model", in.Model, maxShort)
	return v.Err()
}

// Signal is a vehicle's report of where it is.
type Signal struct {
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
	Battery int     `json:"battery"`
}

// Validate checks a signal's ranges.
func (s Signal) Validate() error {
	var v Validation
	if s.Lat < -90 || s.Lat > 90 || math.IsNaN(s.Lat) {
		v.Add("lat", "must be between -90 and 90")
	}
	if s.Lon < -180 || s.Lon > 180 || math.IsNaN(s.Lon) {
		v.Add("lon", "must be between -180 and 180")
	}
	if s.Battery < 0 || s.Battery > 100 {
		v.Add("battery", "must be a percentage from 0 to 100")
	}
	return v.Err()
}

// DistanceMeters is the great-circle distance between two points.
func DistanceMeters(lat1, lon1, lat2, lon2 float64) float64 {
	const earth = 6371000.0
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earth * math.Asin(math.Sqrt(a))
}
