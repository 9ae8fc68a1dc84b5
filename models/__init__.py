"""xxgk.models"""
