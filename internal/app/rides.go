package app

import (
	"context"
	"slices"

	"github.com/mobidesk/mobidesk/internal/domain"
)

// VehicleCreate validates and registers a vehicle.
func (a *App) VehicleCreate(ctx context.Context, actor domain.Actor, sa *domain.Subaccount, in domain.VehicleCreate) (*domain.Vehicle, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return a.Store.VehicleCreate(ctx, actor, sa, in)
}

// VehicleSignal validates and records a telemetry signal.
func (a *App) VehicleSignal(ctx context.Context, actor domain.Actor, id string, sig domain.Signal) (*domain.Vehicle, error) {
	if err := sig.Validate(); err != nil {
		return nil, err
	}
	return a.Store.VehicleSignal(ctx, actor, id, sig)
}

// VehicleSetStatus sets a vehicle's status by hand.
func (a *App) VehicleSetStatus(ctx context.Context, actor domain.Actor, id, status string) (*domain.Vehicle, error) {
	if status == domain.VehicleInUse || !slices.Contains(domain.VehicleStatuses, status) {
		return nil, &domain.Error{Code: domain.ECodeValidation, Message: "Some fields are invalid.",
			Fields: []domain.FieldError{{Field: "status", Message: "must be available, maintenance or retired"}}}
	}
	return a.Store.VehicleSetStatus(ctx, actor, id, status)
}

// vehicleFor finds the vehicle named by ref (id, code or IMEI) in the
// customer's subaccount.
func (a *App) vehicleFor(ctx context.Context, c *domain.Customer, ref string) (*domain.Vehicle, error) {
	if ref == "" {
		return nil, &domain.Error{Code: domain.ECodeValidation, Message: "Choose a vehicle.",
			Fields: []domain.FieldError{{Field: "vehicle", Message: "is required: an id, code or IMEI"}}}
	}
	v, err := a.Store.VehicleFind(ctx, c.SubaccountID, ref)
	if domain.ErrorCode(err) == domain.ECodeNotFound {
		return nil, &domain.Error{Code: domain.ECodeValidation, Message: "No such vehicle.",
			Fields: []domain.FieldError{{Field: "vehicle", Message: "no vehicle " + ref + " in this subaccount"}}}
	}
	return v, err
}

// RideEligibility explains whether c may start a ride on the vehicle named
// by ref; without ref, the vehicle's rules are left out.
func (a *App) RideEligibility(ctx context.Context, c *domain.Customer, ref string) ([]domain.Check, error) {
	var v *domain.Vehicle
	if ref != "" {
		var err error
		if v, err = a.vehicleFor(ctx, c, ref); err != nil {
			return nil, err
		}
	}
	return a.Store.RideEligibility(ctx, c.ID, v)
}

// RideStart starts a ride for c on the vehicle named by ref.
func (a *App) RideStart(ctx context.Context, actor domain.Actor, c *domain.Customer, ref, startedBy string) (*domain.Ride, error) {
	v, err := a.vehicleFor(ctx, c, ref)
	if err != nil {
		return nil, err
	}
	return a.Store.RideStart(ctx, actor, c.ID, v, startedBy)
}

// RideEnd ends a ride and pays for it.
func (a *App) RideEnd(ctx context.Context, actor domain.Actor, rideID string) (*domain.Ride, error) {
	return a.Store.RideEnd(ctx, actor, rideID)
}

// PaymentMethodAdd validates and saves a card.
func (a *App) PaymentMethodAdd(ctx context.Context, actor domain.Actor, c *domain.Customer, in domain.PaymentMethodCreate) (*domain.PaymentMethod, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return a.Store.PaymentMethodAdd(ctx, actor, c, in)
}

// SubscriptionAdd validates and records a subscription.
func (a *App) SubscriptionAdd(ctx context.Context, actor domain.Actor, c *domain.Customer, in domain.SubscriptionCreate) (*domain.Subscription, error) {
	if err := in.Validate(a.Now()); err != nil {
		return nil, err
	}
	return a.Store.SubscriptionAdd(ctx, actor, c, in)
}

// PackageAdd validates and records a package purchase.
func (a *App) PackageAdd(ctx context.Context, actor domain.Actor, c *domain.Customer, in domain.PackageCreate) (*domain.PackagePurchase, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return a.Store.PackageAdd(ctx, actor, c, in)
}

// PromoAdd validates and records a promo redemption.
func (a *App) PromoAdd(ctx context.Context, actor domain.Actor, c *domain.Customer, in domain.PromoCreate) (*domain.PromoRedemption, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return a.Store.PromoAdd(ctx, actor, c, in)
}
