"""What leaves and enters the desk as files: CSV, W3C Web Annotations, ClaimReview, annotation import."""
