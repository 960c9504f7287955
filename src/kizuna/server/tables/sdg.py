"""SDG indicator data sets and VLR projects of cities: shared objects (see `places.SharedObject`).

- `SdgDataset` (``sdg_dataset``): a city's Open SDG indicator data, one `SdgIndicator` row
  per indicator with its CSV text and config, kept as uploaded (so that a download gives the
  same files back) and as JSON (the config, for reading without YAML).
- `VlrProject` (``vlr``): the city's Voluntary Local Review: the fields of its ``city.yaml``
  (`kizuna.sdg.vlr.citydir.CityConfig`), its narrative Markdown by section and language,
  the data set it reviews and whether it shows the city's stored climate plan.

Who may read or change them is decided in `kizuna.server.tenancy.sdg`; these classes only
hold the data. Both belong to the city's owner organisation.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, declared_attr, mapped_column, relationship

from kizuna.server.tables.base import Base, JSONDict, utcnow
from kizuna.server.tables.places import City, SharedObject, licence_check

#: Narratives of a VLR: ``{section: {lang: markdown}}``; goal sections are ``goals/<n>``.
Narratives = JSONDict


class SdgDataset(SharedObject, Base):
    """A city's SDG indicator data in Open SDG's format (one `SdgIndicator` per indicator).

    `name` tells the city's data sets apart (``indicators``); `source_file` is the uploaded
    file (a zip, or the CSV and config files) it came from.
    """

    __tablename__ = "sdg_dataset"
    shared_type = "sdg_dataset"

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[CheckConstraint | UniqueConstraint, ...]:
        return (licence_check(), UniqueConstraint("city_id", "name"))

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    source_file: Mapped[str] = mapped_column(String(300))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    # ``City.sdg_datasets`` (view only, every data set of the city) lets the city page
    # link to the SDG dashboard without a query of its own (templates/city.html shows the
    # link to members of the owner, and to anyone when a data set is public).
    city: Mapped[City] = relationship(
        backref=backref("sdg_datasets", viewonly=True, order_by="SdgDataset.name")
    )
    indicators: Mapped[list[SdgIndicator]] = relationship(
        back_populates="dataset",
        cascade="all, delete-orphan",
        order_by="SdgIndicator.position",
    )

    def describe(self) -> tuple[str, str]:
        return f"{self.city.name}: {self.title}", f"/sdg/{self.city.slug}?dataset={self.name}"

    def parents(self) -> tuple[SharedObject, ...]:
        return (self.city,)


class SdgIndicator(Base):
    """One indicator of a data set: its Open SDG CSV as uploaded (UTF-8 text, a byte-order
    mark dropped) and its config, as JSON and as the uploaded YAML (None without a file)."""

    __tablename__ = "sdg_indicator"
    __table_args__ = (UniqueConstraint("dataset_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(
        ForeignKey("sdg_dataset.id", ondelete="CASCADE"), index=True
    )
    #: The id of the file name ``indicator_<id>.csv``: ``13-2-2``, ``11-1-1-a``, ``12-5-L1``.
    indicator_id: Mapped[str] = mapped_column(String(64))
    #: Place in framework order (goal, target, indicator, sub-indicator).
    position: Mapped[int]
    csv_text: Mapped[str] = mapped_column(Text)
    config: Mapped[JSONDict] = mapped_column(default=dict)
    config_text: Mapped[str | None] = mapped_column(Text)

    dataset: Mapped[SdgDataset] = relationship(back_populates="indicators")


class VlrProject(SharedObject, Base):
    """A city's Voluntary Local Review (one per city): settings, narratives, data set, plan."""

    __tablename__ = "vlr_project"
    shared_type = "vlr"

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(
        ForeignKey("city.id", ondelete="CASCADE"), unique=True, index=True
    )
    #: The data set the review assesses (None when it was deleted).
    dataset_id: Mapped[int | None] = mapped_column(
        ForeignKey("sdg_dataset.id", ondelete="SET NULL"), index=True
    )
    #: Whether the climate-plan section shows the city's stored plan (when the reader may).
    use_plan: Mapped[bool] = mapped_column(default=True)
    #: The fields of city.yaml (`CityConfig` without ``plan``, ``framework`` and ``data``).
    config: Mapped[JSONDict] = mapped_column(default=dict)
    narratives: Mapped[Narratives] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    city: Mapped[City] = relationship()
    dataset: Mapped[SdgDataset | None] = relationship()

    def describe(self) -> tuple[str, str]:
        return f"{self.city.name}: VLR", f"/sdg/{self.city.slug}/vlr"

    def parents(self) -> tuple[SharedObject, ...]:
        return (self.city,)
