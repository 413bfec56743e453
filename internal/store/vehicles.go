package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/mobidesk/mobidesk/internal/domain"
	"github.com/mobidesk/mobidesk/internal/ids"
)

const vehicleColumns = `id, subaccount_id, code, imei, model, status, last_signal_at, lat, lon, battery, created_at`

func scanVehicle(row scanner) (*domain.Vehicle, error) {
	var v domain.Vehicle
	var signal sql.NullInt64
	var lat, lon sql.NullFloat64
	var battery sql.NullInt64
	var created int64
	if err := row.Scan(&v.ID, &v.SubaccountID, &v.Code, &v.IMEI, &v.Model, &v.Status, &signal, &lat, &lon, &battery,
		&created); err != nil {
		return nil, translate(err, "vehicle")
	}
	v.LastSignalAt, v.CreatedAt = fromNullTS(signal), fromTS(created)
	if lat.Valid && lon.Valid {
		v.Lat, v.Lon = &lat.Float64, &lon.Float64
	}
	if battery.Valid {
		b := int(battery.Int64)
		v.Battery = &b
	}
	v.Online = v.IsOnline(time.Now())
	return &v, nil
}

// VehicleCreate registers a vehicle; a taken code or IMEI answers
// validation_failed naming the field.
func (s *Store) VehicleCreate(ctx context.Context, a domain.Actor, sa *domain.Subaccount, in domain.VehicleCreate) (*domain.Vehicle, error) {
	v := &domain.Vehicle{ID: ids.New("veh"), SubaccountID: sa.ID, Code: in.Code, IMEI: in.IMEI, Model: in.Model,
		Status: domain.VehicleAvailable, CreatedAt: now()}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var val domain.Validation
		var one int
		if tx.QueryRowContext(ctx, `SELECT 1 FROM vehicles WHERE subaccount_id = $1 AND code = $2`, sa.ID, v.Code).Scan(&one) == nil {
			val.Add("code", "belongs to another vehicle of this subaccount")
		}
		if tx.QueryRowContext(ctx, `SELECT 1 FROM vehicles WHERE imei = $1`, v.IMEI).Scan(&one) == nil {
			val.Add("imei", "belongs to another vehicle")
		}
		if err := val.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO vehicles (id, subaccount_id, code, imei, model, status, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, v.ID, v.SubaccountID, v.Code, v.IMEI, v.Model, v.Status, ts(v.CreatedAt)); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, change{SubaccountID: sa.ID, Action: "vehicle.create", TargetType: "vehicle",
			TargetID: v.ID, After: v})
	})
	if err != nil {
		return nil, translate(err, "vehicle")
	}
	return v, nil
}

// VehicleGet returns a vehicle by id, or not_found.
func (s *Store) VehicleGet(ctx context.Context, id string) (*domain.Vehicle, error) {
	return scanVehicle(s.r.QueryRowContext(ctx, `SELECT `+vehicleColumns+` FROM vehicles WHERE id = $1`, id))
}

// VehicleFind finds a subaccount's vehicle by id, code or IMEI.
func (s *Store) VehicleFind(ctx context.Context, subaccountID, ref string) (*domain.Vehicle, error) {
	ref = strings.TrimSpace(ref)
	return scanVehicle(s.r.QueryRowContext(ctx, `SELECT `+vehicleColumns+` FROM vehicles
		WHERE subaccount_id = $1 AND (id = $2 OR code = $3 OR imei = $2)`, subaccountID, ref, strings.ToUpper(ref)))
}

// VehicleList returns a subaccount's vehicles whose code or IMEI contains
// q, by code; at most limit.
func (s *Store) VehicleList(ctx context.Context, subaccountID, q string, limit int) ([]*domain.Vehicle, error) {
	var qq query
	qq.and("subaccount_id = " + qq.arg(subaccountID))
	if q = strings.TrimSpace(q); q != "" {
		like := qq.arg("%" + strings.ToUpper(escapeLike(q)) + "%")
		esc := ""
		if s.engine == SQLite {
			esc = ` ESCAPE '\'`
		}
		qq.and("(code LIKE " + like + esc + " OR imei LIKE " + like + esc + ")")
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+vehicleColumns+` FROM vehicles WHERE `+qq.cond()+
		` ORDER BY code LIMIT `+qq.arg(clampLimit(limit)), qq.args...)
	if err != nil {
		return nil, translate(err, "vehicle")
	}
	defer rows.Close()
	out := []*domain.Vehicle{}
	for rows.Next() {
		v, err := scanVehicle(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, translate(rows.Err(), "vehicle")
}

// VehicleSignal records where a vehicle is and its battery, as telemetry
// reports it, keeping the history that ride distances are measured on.
func (s *Store) VehicleSignal(ctx context.Context, a domain.Actor, id string, sig domain.Signal) (*domain.Vehicle, error) {
	at := now()
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE vehicles SET last_signal_at = $1, lat = $2, lon = $3, battery = $4 WHERE id = $5`,
			ts(at), sig.Lat, sig.Lon, sig.Battery, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sql.ErrNoRows
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO vehicle_signals (vehicle_id, at, lat, lon, battery) VALUES ($1, $2, $3, $4, $5)`,
			id, ts(at), sig.Lat, sig.Lon, sig.Battery); err != nil {
			return err
		}
		var sub string
		if err := tx.QueryRowContext(ctx, `SELECT subaccount_id FROM vehicles WHERE id = $1`, id).Scan(&sub); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, change{SubaccountID: sub, Action: "vehicle.signal", TargetType: "vehicle", TargetID: id,
			After: sig})
	})
	if err != nil {
		return nil, translate(err, "vehicle")
	}
	return s.VehicleGet(ctx, id)
}

// VehicleSetStatus moves a vehicle to maintenance, retirement or back to
// available; in_use belongs to rides.
func (s *Store) VehicleSetStatus(ctx context.Context, a domain.Actor, id, status string) (*domain.Vehicle, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		v, err := scanVehicle(tx.QueryRowContext(ctx, `SELECT `+vehicleColumns+` FROM vehicles WHERE id = $1`, id))
		if err != nil {
			return err
		}
		if v.Status == domain.VehicleInUse {
			return domain.Errorf(domain.ECodeVehicleUnavailable, "The vehicle is on a ride; end the ride first.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE vehicles SET status = $1 WHERE id = $2`, status, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, change{SubaccountID: v.SubaccountID, Action: "vehicle.status", TargetType: "vehicle",
			TargetID: id, Before: map[string]string{"status": v.Status}, After: map[string]string{"status": status}})
	})
	if err != nil {
		return nil, translate(err, "vehicle")
	}
	return s.VehicleGet(ctx, id)
}

// distanceDuring sums the path of a vehicle's signals from where it was
// at from (its last signal before) to its last signal by to.
func (s *Store) distanceDuring(ctx context.Context, tx *sql.Tx, vehicleID string, from, to time.Time) (int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT lat, lon, at FROM (
			SELECT lat, lon, at FROM (SELECT lat, lon, at FROM vehicle_signals WHERE vehicle_id = $1 AND at <= $2
				ORDER BY at DESC LIMIT 1) start
			UNION ALL
			SELECT lat, lon, at FROM vehicle_signals WHERE vehicle_id = $1 AND at > $2 AND at <= $3) path
		ORDER BY at`, vehicleID, ts(from), ts(to))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var total float64
	var plat, plon float64
	first := true
	for rows.Next() {
		var lat, lon float64
		var at int64
		if err := rows.Scan(&lat, &lon, &at); err != nil {
			return 0, err
		}
		if !first {
			total += domain.DistanceMeters(plat, plon, lat, lon)
		}
		plat, plon, first = lat, lon, false
	}
	return int64(total + 0.5), rows.Err()
}
